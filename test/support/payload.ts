import { createHash } from 'node:crypto'
import { open, mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'

const BLOCK = 1024 * 1024
let baseBlock: Buffer | undefined

/** 1 MiB of pseudo-random bytes, expanded once from a fixed seed with sha256 in counter mode. */
function block(): Buffer {
  if (!baseBlock) {
    baseBlock = Buffer.allocUnsafe(BLOCK)
    for (let i = 0; i < BLOCK / 32; i++) {
      createHash('sha256')
        .update(`maas-images-test-block:${i}`)
        .digest()
        .copy(baseBlock, i * 32)
    }
  }
  return baseBlock
}

/**
 * Writes `size` deterministic bytes for `seed`: the random block repeated, each MiB with its own 32-byte
 * header derived from seed and position, so files (and MiBs within a file) differ while generation runs at
 * disk speed. Returns the sha256 computed on the way out.
 */
export async function writePayload(
  path: string,
  size: number,
  seed: string
): Promise<{ sha256: string; size: number }> {
  await mkdir(dirname(path), { recursive: true })
  const hash = createHash('sha256')
  const buf = Buffer.allocUnsafe(BLOCK)
  const handle = await open(path, 'w')
  try {
    for (let offset = 0, i = 0; offset < size; offset += BLOCK, i++) {
      const n = Math.min(BLOCK, size - offset)
      block().copy(buf, 0, 0, n)
      createHash('sha256').update(`${seed}:${i}`).digest().copy(buf, 0, 0, Math.min(32, n))
      const piece = buf.subarray(0, n)
      hash.update(piece)
      // Awaiting each write is the backpressure: one MiB in flight, whatever the file size.
      await handle.write(piece)
    }
  } finally {
    await handle.close()
  }
  return { sha256: hash.digest('hex'), size }
}

/** A stand-in checksum for items that are listed in metadata but never written (benchmark padding). */
export function fakeSha256(seed: string): string {
  return createHash('sha256').update(`fake:${seed}`).digest('hex')
}

/** Bytes that differ at every offset, so a block written or read twice, shifted or skipped changes the hash. */
export function offsetPattern(size: number): Buffer {
  const b = Buffer.alloc(size)
  for (let i = 0; i < size; i++) b[i] = (i * 31 + (i >> 12)) & 0xff
  return b
}
