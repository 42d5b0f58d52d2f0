import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { cli } from '../cli/cli-helpers'
import { isUncPath } from '@shared/unc-path'

const UNC = [
  '\\\\fileserver\\maas',
  '//fileserver/maas',
  '\\\\?\\UNC\\fileserver\\maas',
  '\\/fileserver/maas',
  ' //fileserver/maas',
  'file://fileserver/maas',
  'FILE:////fileserver/maas',
  'file:\\\\fileserver\\maas'
]
const LOCAL = [
  '/media/usb/maas',
  'file:///media/usb/maas',
  'file://localhost/media/usb',
  'http://mirror/maas/',
  'C:\\maas'
]

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'maas-images-unc-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('UNC paths', () => {
  it('are recognised in every spelling, and local paths are not', () => {
    for (const p of UNC) expect(isUncPath(p), p).toBe(true)
    for (const p of LOCAL) expect(isUncPath(p), p).toBe(false)
  })

  it('are refused by the CLI as source, keyring and verify locations, with a clear message', async () => {
    const runs = [
      ['boot-sources', 'create', 'url=//fileserver/maas'],
      ['boot-sources', 'create', 'url=http://mirror/maas/', 'keyring_filename=\\\\fileserver\\ring.gpg'],
      ['boot-source', 'update', '1', 'url=\\\\fileserver\\maas'],
      ['verify', 'file://fileserver/maas']
    ]
    for (const args of runs) {
      const r = await cli(dir, ...args)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr).toMatch(/network \(UNC\) paths .* are not supported/)
    }
  })
})
