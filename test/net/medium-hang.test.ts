/**
 * A read-back from a medium that stops answering (src/main/net/medium-read.ts): a read that never returns must
 * fail the read-back after the stall time limit, naming the file, and a stop must return at once rather than
 * wait on it. A read given up on may still write into its buffer later, so that buffer is never lent to another
 * read (the aligned buffers are pooled). The medium is a stand-in (test/support/failing-medium.ts) whose hung
 * reads also hold their handle's close, as a real one does.
 */
import { createHash } from 'node:crypto'
import { open, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { onlyOn } from '../support/only-on'
import { hashFromMedium } from '../../src/main/net/medium-read'
import { tempDir } from '../import/helpers'
import { offsetPattern } from '../support/payload'
import { hangReads, type HangingReads } from '../support/failing-medium'

const MiB = 1 << 20
let dir: string
let hanging: HangingReads | null = null
beforeAll(async () => {
  dir = await tempDir('medium-hang-')
})
afterEach(() => {
  hanging?.restore()
  hanging = null
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function hashOf(path: string, o: { timeoutMs?: number; signal?: AbortSignal } = {}) {
  const fh = await open(path, 'r')
  try {
    return await hashFromMedium(fh, path, 'sha256', o)
  } finally {
    await fh.close()
  }
}

describe.runIf(onlyOn(['linux'], 'O_DIRECT read-backs (pooled aligned buffers) are Linux only'))(
  'a read-back from a medium that stops answering',
  () => {
    it('fails naming the file, and never lends a buffer a hung read may still write into', async () => {
      const a = join(dir, 'a.img')
      const b = join(dir, 'b.img')
      const bytes = offsetPattern(3 * MiB + 5)
      await writeFile(a, bytes)
      await writeFile(b, bytes)
      // The first block is read; the read ahead of the second never returns.
      hanging = await hangReads(2)
      // Long enough that the first, real read is not given up on however busy the machine is.
      await expect(hashOf(a, { timeoutMs: 2000 })).rejects.toThrow(
        `${a}: the stick or disk stopped answering (no reply in 2 s): it may be failing or was pulled out`
      )
      expect(hanging.held).toHaveLength(1)

      hanging.stopHanging()
      const before = hanging.passed.length
      const got = await hashOf(b)
      expect(got.source).toBe('medium')
      expect(got.hex).toBe(createHash('sha256').update(bytes).digest('hex'))
      const lent = hanging.passed.slice(before)
      expect(lent.length).toBeGreaterThan(0)
      // Neither the hung read's buffer nor its partner (the pair goes back together) is read into again.
      for (const buf of lent) expect(hanging.held.some((h) => h.buffer === buf.buffer)).toBe(false)
    })

    it('returns at once on a stop, without waiting for the read the medium keeps', async () => {
      const a = join(dir, 'c.img')
      await writeFile(a, offsetPattern(64 * 1024))
      hanging = await hangReads()
      const stop = new AbortController()
      // A stall limit no test waits for: only the stop can end this read-back.
      const reading = hashOf(a, { timeoutMs: 600_000, signal: stop.signal })
      await hanging.hanging
      stop.abort()
      await expect(reading).rejects.toMatchObject({ code: 'cancelled' })
    })
  }
)
