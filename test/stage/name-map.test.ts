import { mkdtemp, rm, writeFile, mkdir, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  MAPPED_NAMES_FILE,
  decodeName,
  decodePath,
  encodeName,
  encodePath,
  localStreamPath,
  usesMappedNames
} from '../../src/main/staged-tree/name-map'
import { joinStreamPath } from '../../src/main/streams/safe-path'
import { generateStream, type GeneratedStream } from '../support/stream-generator'

/** What FAT32, exFAT and NTFS refuse in a name. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what FAT refuses
const FORBIDDEN = /[\x00-\x1f:\\*?"<>|]|[. ]$/

let gen: GeneratedStream
let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'name-map-'))
  gen = await generateStream({ dir: join(dir, 'mirror'), writePayloads: false })
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
  await rm(gen.keyringPath, { force: true })
})

describe('FAT/exFAT/NTFS name mapping', () => {
  it('maps the products file name and back', () => {
    const up = 'streams/v1/com.ubuntu.maas:stable:v3:download.sjson'
    expect(encodePath(up)).toBe('streams/v1/com.ubuntu.maas%3Astable%3Av3%3Adownload.sjson')
    expect(decodePath(encodePath(up))).toBe(up)
  })

  it('round-trips every upstream name of a generated MAAS stream into names FAT allows', () => {
    const paths = [...gen.documents, ...gen.items.map((i) => i.path)]
    expect(paths.some((p) => p.includes(':'))).toBe(true)
    const encoded = new Set<string>()
    for (const p of paths) {
      const e = encodePath(p)
      for (const seg of e.split('/')) expect(seg).not.toMatch(FORBIDDEN)
      expect(decodePath(e)).toBe(p)
      encoded.add(e)
    }
    // Injective: distinct names stay distinct.
    expect(encoded.size).toBe(new Set(paths).size)
  })

  it('escapes the escape character, every forbidden character and trailing dots and spaces', () => {
    const names = ['a%3Ab', 'a:b', 'x\\y*z?"<>|', 'end.', 'end ', 'mid. dle', '%', '100%', 'tab\there']
    const out = names.map(encodeName)
    expect(out[0]).toBe('a%253Ab')
    expect(out[1]).toBe('a%3Ab')
    expect(out[3]).toBe('end%2E')
    expect(out[4]).toBe('end%20')
    expect(out[5]).toBe('mid. dle')
    expect(new Set(out).size).toBe(names.length)
    for (let i = 0; i < names.length; i++) {
      expect(out[i]).not.toMatch(FORBIDDEN)
      expect(decodeName(out[i])).toBe(names[i])
    }
  })

  it('escapes the first character of names Windows keeps for devices, in any case and with any extension', () => {
    const reserved = ['CON', 'prn', 'Aux', 'nul', 'nul.tar.xz', 'COM1', 'com9.log', 'LPT0', 'lpt3.', 'con.d']
    for (const name of reserved) {
      const enc = encodeName(name)
      expect(enc, name).toMatch(/^%[0-9A-F]{2}/)
      // The rest of the name is mapped as any name is.
      expect(enc.slice(3)).toBe(encodeName(name.slice(1)))
      expect(decodeName(enc)).toBe(name)
    }
    expect(encodeName('nul.tar.xz')).toBe('%6Eul.tar.xz')
    expect(encodeName('CON')).toBe('%43ON')
    // Only the device names themselves: longer words and other numbers are ordinary names.
    for (const name of ['console', 'null', 'auxiliary', 'com10', 'lpt', 'nul-ish', 'acon', 'com'])
      expect(encodeName(name), name).toBe(name)
    // The unescaped device name on a mapped tree is not a name this mapping writes.
    expect(() => decodeName('nul.tar.xz')).toThrow(/misses one/)
  })

  it('decodes only canonical encodings, so the mapping is a bijection', () => {
    expect(() => decodeName('a%3ab')).toThrow(/not a mapped file name/)
    expect(() => decodeName('%41')).toThrow(/needs no escaping/)
    expect(() => decodeName('50%')).toThrow(/two upper-case hex/)
    expect(() => decodeName('a:b')).toThrow(/misses one/)
    expect(() => decodeName('end.')).toThrow(/misses one/)
  })

  it('reads a mapped tree transparently through joinStreamPath, and a plain tree as is', async () => {
    const plain = join(dir, 'plain')
    const mapped = join(dir, 'mapped')
    await mkdir(plain, { recursive: true })
    await mkdir(mapped, { recursive: true })
    await writeFile(join(mapped, MAPPED_NAMES_FILE), 'x')
    const rel = 'streams/v1/com.ubuntu.maas:stable:v3:download.sjson'
    expect(joinStreamPath(plain, rel)).toBe(
      join(plain, 'streams', 'v1', 'com.ubuntu.maas:stable:v3:download.sjson')
    )
    expect(joinStreamPath(mapped, rel)).toBe(
      join(mapped, 'streams', 'v1', 'com.ubuntu.maas%3Astable%3Av3%3Adownload.sjson')
    )
    expect(localStreamPath(mapped, rel, false)).toBe(join(mapped, ...rel.split('/')))
  })
})

describe('the mapped-names marker', () => {
  it('counts only as a regular file in the tree, never through a link', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'maas-images-marker-'))
    try {
      const outside = join(dir, 'outside.txt')
      await writeFile(outside, 'mapped')
      const tree = join(dir, 'tree')
      await mkdir(tree)
      expect(usesMappedNames(tree)).toBe(false)
      // A link (here to a file outside the tree) is not the marker staging writes.
      await symlink(outside, join(tree, MAPPED_NAMES_FILE))
      expect(usesMappedNames(tree)).toBe(false)
      await rm(join(tree, MAPPED_NAMES_FILE))
      await writeFile(join(tree, MAPPED_NAMES_FILE), 'mapped')
      expect(usesMappedNames(tree)).toBe(true)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
