/**
 * Copying a file onto its medium past the page cache (src/main/net/medium-write.ts): whole aligned blocks
 * written O_DIRECT, the last one padded and the file truncated back to its size, for sizes on and off the
 * block and buffer boundaries; a file whose padding would pass the file system's size cap; and the proof that
 * the cache was bypassed: none of the written file is left resident (fincore), where a buffered write leaves
 * all of it. A file system that refuses uncached
 * writes (ramfs) is medium-write.system.test.ts.
 */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { open, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { onlyOn } from '../support/only-on'
import { ALIGNMENT } from '../../src/main/net/medium-read'
import { copyToMedium } from '../../src/main/net/medium-write'
import { tempDir } from '../import/helpers'
import { offsetPattern } from '../support/payload'

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex')

let dir: string
beforeAll(async () => {
  dir = await tempDir('medium-write-')
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})


/** Bytes of `path` resident in the page cache, as util-linux's fincore counts them. */
function resident(path: string): number {
  const out = JSON.parse(execFileSync('fincore', ['--json', '--bytes', path], { encoding: 'utf8' })) as {
    fincore: Array<{ res: number | string }>
  }
  return Number(out.fincore[0].res)
}

async function copy(bytes: Buffer, name: string) {
  const from = join(dir, `${name}.src`)
  const to = join(dir, name)
  await writeFile(from, bytes)
  const src = await open(from, 'r')
  const dest = await open(to, 'wx+')
  let seen = 0
  try {
    const got = await copyToMedium(src, dest, to, { onBytes: (n) => void (seen += n) })
    await dest.sync()
    return { got, seen, to }
  } finally {
    await src.close()
    await dest.close()
  }
}

describe.runIf(onlyOn(['linux'], 'copyToMedium on Linux: O_DIRECT writes are Linux only'))(
  'copyToMedium on Linux',
  () => {
    it('copies every byte, with a last block that is partial (sizes that are not multiples of 4096)', async () => {
      for (const size of [
        0,
        1,
        ALIGNMENT - 1,
        ALIGNMENT,
        3 * ALIGNMENT + 1234,
        (1 << 20) + 17,
        2 * (1 << 20),
        3 * (1 << 20) - 5
      ]) {
        const bytes = offsetPattern(size)
        const { got, seen, to } = await copy(bytes, `f${size}`)
        expect({ size, got, seen }).toEqual({ size, got: { size, uncached: true }, seen: size })
        const back = await readFile(to)
        expect({ size, length: back.length, sha: sha256(back) }).toEqual({
          size,
          length: size,
          sha: sha256(bytes)
        })
      }
    })

    it('leaves none of the file in the page cache, where a buffered write leaves all of it', async () => {
      const bytes = offsetPattern(4 * (1 << 20) + 100)
      const { to } = await copy(bytes, 'uncached')
      expect(resident(to)).toBe(0)
      // The check itself can see cached pages: the same bytes written the ordinary way are resident.
      const plain = join(dir, 'plain')
      await writeFile(plain, bytes)
      expect(resident(plain)).toBeGreaterThan(4 * (1 << 20) - ALIGNMENT)
    })

    it("copies buffered a file whose padded last block would pass the file system's size cap (FAT32's 4 GiB - 1)", async () => {
      // A child whose files may not exceed 5 KiB (bash's ulimit -f counts 1 KiB blocks) copies a 5,020-byte file
      // with the cap given: the last block padded to 8 KiB would pass it (EFBIG, or SIGXFSZ kills the child).
      const from = join(dir, 'capped.src')
      const to = join(dir, 'capped')
      const bytes = offsetPattern(5 * 1024 - 100)
      await writeFile(from, bytes)
      const script = join(dir, 'capped.mts')
      await writeFile(
        script,
        `import { open } from 'node:fs/promises'
import { copyToMedium } from ${JSON.stringify(join(__dirname, '../../src/main/net/medium-write.ts'))}
const src = await open(${JSON.stringify(from)}, 'r')
const dest = await open(${JSON.stringify(to)}, 'wx+')
const got = await copyToMedium(src, dest, ${JSON.stringify(to)}, { maxFileBytes: 5 * 1024 })
await dest.sync()
console.log(JSON.stringify(got))`
      )
      const out = execFileSync(
        'bash',
        ['-c', 'ulimit -f 5 && exec "$0" --import tsx "$1"', process.execPath, script],
        { cwd: join(__dirname, '../..'), encoding: 'utf8' }
      )
      expect(JSON.parse(out)).toEqual({
        size: bytes.length,
        uncached: false,
        reason: `${to} padded to whole sectors would pass the file system's size cap`
      })
      expect((await readFile(to)).equals(bytes)).toBe(true)
    })

    it('stops when told to, and says so', async () => {
      const from = join(dir, 'stop.src')
      await writeFile(from, offsetPattern(3 << 20))
      const src = await open(from, 'r')
      const dest = await open(join(dir, 'stop'), 'wx+')
      const stop = new AbortController()
      try {
        await expect(
          copyToMedium(src, dest, join(dir, 'stop'), { signal: stop.signal, onBytes: () => stop.abort() })
        ).rejects.toThrow(/abort/i)
      } finally {
        await src.close()
        await dest.close()
      }
    })
  }
)
