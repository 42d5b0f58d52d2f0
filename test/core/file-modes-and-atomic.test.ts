import {
  lstatSync,
  mkdtempSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
  chmodSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { NOT_WINDOWS, onlyOn } from '../support/only-on'

// Records which paths were fsynced, to see the directory's own fsync after a rename.
const synced = vi.hoisted(() => [] as string[])
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>()
  const open: typeof real.open = async (...args: Parameters<typeof real.open>) => {
    const fh = await real.open(...args)
    const sync = fh.sync.bind(fh)
    fh.sync = async () => {
      synced.push(String(args[0]))
      return sync()
    }
    return fh
  }
  return { ...real, default: { ...real, open }, open }
})

const { writeFileAtomic } = await import('../../src/main/core/atomic-file')
const { secureDataDir } = await import('../../src/main/core/data-dir-permissions')
const { saveImportedMetadata, importedMetadataDir } = await import('../../src/main/library/imported-metadata')
const { SettingsStore } = await import('../../src/main/core/settings-store')

const posix = onlyOn(
  NOT_WINDOWS,
  'file modes 0600/0700 and the data directory owner checks: Windows has no POSIX modes'
)
let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'maas-images-modes-'))
  synced.length = 0
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const mode = (p: string): number => statSync(p).mode & 0o777

describe('writeFileAtomic', () => {
  it('fsyncs the directory after the rename, so the new entry survives a power cut', async () => {
    await writeFileAtomic(join(dir, 'sub', 'state.json'), '{}')
    expect(readFileSync(join(dir, 'sub', 'state.json'), 'utf8')).toBe('{}')
    const dirSyncAt = synced.indexOf(join(dir, 'sub'))
    expect(dirSyncAt).toBeGreaterThan(0) // after the temp file's own fsync
  })

  it.runIf(posix)('creates files 0600 and directories 0700', async () => {
    await writeFileAtomic(join(dir, 'new', 'settings.json'), '{}')
    expect(mode(join(dir, 'new', 'settings.json'))).toBe(0o600)
    expect(mode(join(dir, 'new'))).toBe(0o700)
  })
})

describe.runIf(posix)('the data directory', () => {
  it('is created 0700', async () => {
    await secureDataDir(join(dir, 'data'))
    expect(mode(join(dir, 'data'))).toBe(0o700)
  })

  it('is tightened on start, with its files, without following symlinks', async () => {
    const data = join(dir, 'data')
    mkdirSync(data, { mode: 0o755 })
    chmodSync(data, 0o755)
    writeFileSync(join(data, 'settings.json'), '{}', { mode: 0o644 })
    chmodSync(join(data, 'settings.json'), 0o644)
    mkdirSync(join(data, 'cache'), { mode: 0o755 })
    chmodSync(join(data, 'cache'), 0o755)
    writeFileSync(join(dir, 'elsewhere'), 'x')
    chmodSync(join(dir, 'elsewhere'), 0o644)
    symlinkSync(join(dir, 'elsewhere'), join(data, 'link'))
    await secureDataDir(data)
    expect(mode(data)).toBe(0o700)
    expect(mode(join(data, 'settings.json'))).toBe(0o600)
    expect(mode(join(data, 'cache'))).toBe(0o700)
    expect(mode(join(dir, 'elsewhere'))).toBe(0o644)
  })

  it('settings.json with a proxy password is written 0600', async () => {
    const data = join(dir, 'data')
    await secureDataDir(data)
    await new SettingsStore(data).update({ proxy: { http_proxy: 'http://u:pw-secret@proxy:3128/' } })
    expect(mode(join(data, 'settings.json'))).toBe(0o600)
  })
})

describe('imported metadata', () => {
  it('replaces blobs atomically instead of writing through whatever is there', async () => {
    const raw = Buffer.from('{"signed": "bytes"}')
    const { createHash } = await import('node:crypto')
    const sha = createHash('sha256').update(raw).digest('hex')
    const target = importedMetadataDir(dir, 1)
    mkdirSync(target, { recursive: true })
    // A file elsewhere reachable through the blob's name: an in-place write would change it.
    writeFileSync(join(dir, 'outside.txt'), 'untouched')
    symlinkSync(join(dir, 'outside.txt'), join(target, sha))
    const stream = {
      rootUrl: 'http://mirror/',
      verified: true,
      products: [],
      documents: [
        {
          path: 'streams/v1/index.sjson',
          url: 'http://mirror/streams/v1/index.sjson',
          raw,
          signature: { file: 'streams/v1/index.sjson', signed: true, key_id: 'A', fingerprint: 'B' }
        }
      ]
    }
    const source = {
      id: 1,
      url: 'http://mirror/',
      keyring_filename: '',
      keyring_data: '',
      created: '',
      updated: ''
    }
    await saveImportedMetadata(dir, [{ source, stream }], new Set())
    expect(readFileSync(join(dir, 'outside.txt'), 'utf8')).toBe('untouched')
    expect(lstatSync(join(target, sha)).isFile()).toBe(true)
    expect(readFileSync(join(target, sha))).toEqual(raw)
    expect(synced).toContain(target)
  })
})
