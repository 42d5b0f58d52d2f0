/**
 * Main's services as the app or the CLI opens them, each over its own data directory under one mkdtemp
 * folder, with a `stick-` folder beside them to stage into or serve from. The app's folder dialog answers
 * from `picks` in turn (null once they run out), so a test says what the user chose. Registers its own
 * beforeEach/afterEach: every services object opened is disposed and the folder removed after each test.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach } from 'vitest'
import { createMainServices, type MainServices } from '../../src/main/services'

export interface HostServices {
  /** The test's mkdtemp folder; each host's data directory is `<dir>/<host>`. */
  readonly dir: string
  /** An empty folder under `dir`, made before each test. */
  readonly stick: string
  open(host: 'app' | 'cli', picks?: string[]): Promise<MainServices>
}

export function useHostServices(prefix: string): HostServices {
  const opened: MainServices[] = []
  let dir = ''
  let stick = ''
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), prefix))
    stick = mkdtempSync(join(dir, 'stick-'))
  })
  afterEach(async () => {
    for (const m of opened.splice(0)) await m.dispose()
    rmSync(dir, { recursive: true, force: true })
  })
  return {
    get dir() {
      return dir
    },
    get stick() {
      return stick
    },
    async open(host, picks = []) {
      const main = await createMainServices({
        dataDir: join(dir, host),
        version: '0',
        host,
        pickPath: async () => picks.shift() ?? null
      })
      opened.push(main)
      return main
    }
  }
}
