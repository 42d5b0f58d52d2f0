/**
 * `--data-dir` / MAAS_IMAGES_DATA_DIR pointed at a shared folder by mistake must not be tightened to 0700
 * (losing its sticky bit) with the files in it made 0600. A non-empty folder without our data is refused and
 * left as it was; a sticky folder keeps its mode; an existing data directory still starts and is tightened.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { NOT_WINDOWS, onlyOn } from '../support/only-on'
import { secureDataDir } from '../../src/main/core/data-dir-permissions'
import { PassThrough } from 'node:stream'
import { runCli } from '../../src/main/cli/run-cli'

/** The CLI in-process, its data directory from `args` or `env` as an admin would give it. */
async function runCliCapture(
  args: string[],
  env: NodeJS.ProcessEnv
): Promise<{ code: number; stderr: string }> {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  let err = ''
  stdout.resume()
  stderr.on('data', (d) => (err += d))
  const code = await runCli(args, { stdout, stderr, isTTY: false, env, version: '9.9.9' })
  return { code, stderr: err }
}

const posix = onlyOn(NOT_WINDOWS, 'a data directory that is not ours: POSIX modes and owners, not on Windows')
let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'maas-images-shared-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const mode = (p: string): number => statSync(p).mode & 0o7777

/** A shared folder: 1777 with somebody's file in it, 0644. */
function sharedFolder(): { folder: string; theirs: string } {
  const folder = join(dir, 'shared')
  mkdirSync(folder)
  chmodSync(folder, 0o1777)
  const theirs = join(folder, 'notes.txt')
  writeFileSync(theirs, 'not ours')
  chmodSync(theirs, 0o644)
  return { folder, theirs }
}

describe.runIf(posix)('a data directory that is not ours', () => {
  it('a non-empty folder without state.json or settings.json is refused and left as it was', async () => {
    const { folder, theirs } = sharedFolder()
    await expect(secureDataDir(folder)).rejects.toMatchObject({
      code: 'invalid_argument',
      message:
        `${folder} is not empty and holds no MAAS Images data (no state.json, settings.json, resources.json or last-import.json): ` +
        'choose a new or empty folder for --data-dir or MAAS_IMAGES_DATA_DIR; nothing in it was changed'
    })
    expect(mode(folder)).toBe(0o1777)
    expect(mode(theirs)).toBe(0o644)
  })

  it('the CLI refuses it through --data-dir and MAAS_IMAGES_DATA_DIR, naming the folder', async () => {
    const { folder, theirs } = sharedFolder()
    for (const how of [
      { args: ['--data-dir', folder], env: {} },
      { args: [], env: { MAAS_IMAGES_DATA_DIR: folder } }
    ]) {
      const r = await runCliCapture([...how.args, 'settings', 'read'], how.env)
      // invalid_argument: the usage exit code
      expect(r.code).toBe(2)
      expect(r.stderr).toContain(`${folder} is not empty and holds no MAAS Images data`)
    }
    expect(mode(folder)).toBe(0o1777)
    expect(mode(theirs)).toBe(0o644)
  })

  it('a sticky folder that holds our data keeps its mode; our files in it are tightened', async () => {
    const { folder } = sharedFolder()
    const settings = join(folder, 'settings.json')
    writeFileSync(settings, '{}')
    chmodSync(settings, 0o644)
    await secureDataDir(folder)
    expect(mode(folder)).toBe(0o1777)
    expect(mode(settings)).toBe(0o600)
  })

  it('an empty folder, or an existing data directory, is used and tightened to 0700', async () => {
    const empty = join(dir, 'empty')
    mkdirSync(empty)
    chmodSync(empty, 0o755)
    await secureDataDir(empty)
    expect(mode(empty)).toBe(0o700)
    const old = join(dir, 'old')
    mkdirSync(old)
    chmodSync(old, 0o755)
    writeFileSync(join(old, 'state.json'), '{}')
    chmodSync(join(old, 'state.json'), 0o644)
    await secureDataDir(old)
    expect(mode(old)).toBe(0o700)
    expect(mode(join(old, 'state.json'))).toBe(0o600)
  })
})
