import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createMainServices, type MainServices } from '../../src/main/services'
import { ImportLock } from '../../src/main/import/import-lock'
import { DELETE_LOCKED_WHILE_IMPORTING, SOURCE_LOCKED_WHILE_IMPORTING } from '@shared/import-locks'

let dir: string
let app: MainServices
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'maas-images-locks-'))
  app = await createMainServices({ dataDir: dir, version: '0', host: 'cli' })
})
afterEach(async () => {
  await app.dispose()
  rmSync(dir, { recursive: true, force: true })
})

describe('locks while an import runs (main refuses what the Images page disables)', () => {
  it('refuses Delete and Change source with the words of the tooltips, and allows them again after', async () => {
    // An import held by another process looks exactly like this: the lock file names a live pid.
    const lock = await ImportLock.acquire(dir)
    try {
      await expect(app.services.deleteBootResource({ id: 1 })).rejects.toMatchObject({
        code: 'busy',
        message: DELETE_LOCKED_WHILE_IMPORTING
      })
      await expect(
        app.services.updateBootSource({ id: 1, url: 'http://127.0.0.1:9/other/' })
      ).rejects.toMatchObject({ code: 'busy', message: SOURCE_LOCKED_WHILE_IMPORTING })
      // Refused before anything was saved: the source is untouched.
      expect((await app.services.getBootSource({ id: 1 })).url).toBe(
        'https://images.maas.io/ephemeral-v3/stable/'
      )
    } finally {
      await lock.release()
    }
    // With the import over, the same requests reach their own checks again.
    await expect(app.services.deleteBootResource({ id: 1 })).rejects.toMatchObject({ code: 'not_found' })
    await expect(
      app.services.updateBootSource({ id: 1, url: 'https://images.maas.io/ephemeral-v3/stable/' })
    ).resolves.toMatchObject({ id: 1 })
  })
})
