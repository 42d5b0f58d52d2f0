import { createHash } from 'node:crypto'
import type { ProxySettings, ReadBackSource } from '@shared/types'
import { AppError } from '@shared/errors'
import { closeLocalFile, openLocalFile, stalled } from '../net/local-file'
import { hashFromMedium } from '../net/medium-read'
import { httpError, httpGet } from '../net/request'
import { isUrlRoot, joinStreamPath } from './safe-path'
import { strongestChecksum, type StreamItem } from './validate-items'

export interface ItemCheck {
  path: string
  ok: boolean
  /** true when the file is simply not in this mirror (partial mirrors are normal) */
  missing?: boolean
  problem?: string
  /** a local file: whether its bytes came from the drive or may have come from the system cache */
  readBack?: ReadBackSource
}

/**
 * Hashes a body but stops once it is longer than the signed size: a 10-byte item answered with 200 MiB costs
 * 11 bytes of hashing, not 200 MiB. `size` is then "more than expected", which is all the report needs.
 */
async function digest(
  stream: AsyncIterable<Buffer> & { destroy?: () => void },
  kind: string,
  expected: number
): Promise<{ hex: string; size: number; over?: boolean }> {
  const hash = createHash(kind)
  let size = 0
  for await (const chunk of stream) {
    size += chunk.length
    if (size > expected) {
      stream.destroy?.()
      return { hex: '', size, over: true }
    }
    hash.update(chunk)
  }
  return { hex: hash.digest('hex'), size }
}

export interface CheckItemOptions {
  proxy?: Partial<ProxySettings>
  signal?: AbortSignal
  /** a local mirror: longest wait for one open or read; default 30 s (net/limits.ts) */
  timeoutMs?: number
}

/**
 * Checks one item's size and strongest checksum under a mirror root (directory or http(s) URL). Throws only
 * when a local medium stopped answering (MediumStalled): nothing more should be read from it.
 */
export async function checkItem(root: string, item: StreamItem, opts: CheckItemOptions = {}): Promise<ItemCheck> {
  const sum = strongestChecksum(item)!
  const location = joinStreamPath(root, item.path)
  const mismatch = (got: { hex: string; size: number; over?: boolean }): ItemCheck => {
    if (got.over) {
      return {
        path: item.path,
        ok: false,
        problem: `size mismatch: expected ${item.size} bytes, got more (stopped reading at ${got.size})`
      }
    }
    if (got.size !== item.size) {
      return {
        path: item.path,
        ok: false,
        problem: `size mismatch: expected ${item.size} bytes, got ${got.size}`
      }
    }
    if (got.hex !== sum.value) {
      return {
        path: item.path,
        ok: false,
        problem: `${sum.kind} mismatch: expected ${sum.value}, got ${got.hex}`
      }
    }
    return { path: item.path, ok: true }
  }
  try {
    if (isUrlRoot(root) && !/^file:/i.test(root)) {
      const res = await httpGet(location, { proxy: opts.proxy, signal: opts.signal })
      if (res.status === 404) {
        res.body.destroy()
        return { path: item.path, ok: false, missing: true, problem: 'missing' }
      }
      if (res.status !== 200) throw httpError(res)
      const declared = Number(res.headers['content-length'])
      if (Number.isFinite(declared) && declared > item.size) {
        res.body.destroy()
        return mismatch({ hex: '', size: declared, over: true })
      }
      return mismatch(await digest(res.body, sum.kind, item.size))
    }
    return await checkLocal(root, location, item, sum.kind, mismatch, opts)
  } catch (err) {
    if (stalled(err)) throw err
    return { path: item.path, ok: false, problem: (err as Error).message }
  }
}

/**
 * A local item: only a regular file whose real path stays under the mirror root is read. A link to a file
 * elsewhere is reported as refused, never with that file's size or checksum.
 */
async function checkLocal(
  root: string,
  location: string,
  item: StreamItem,
  kind: string,
  mismatch: (got: { hex: string; size: number; over?: boolean }) => ItemCheck,
  { signal, timeoutMs }: CheckItemOptions
): Promise<ItemCheck> {
  let opened
  try {
    opened = await openLocalFile(location, { root, signal, timeoutMs })
  } catch (err) {
    if (err instanceof AppError && err.code === 'not_found')
      return { path: item.path, ok: false, missing: true, problem: 'missing' }
    throw err
  }
  try {
    // Size first: a short file is the common case (interrupted copy) and costs no hashing.
    if (opened.size !== item.size) return mismatch({ hex: '', size: opened.size })
    // From the drive, not the system cache: a stick that kept other bytes than it was given must show it here.
    const got = await hashFromMedium(opened.handle, location, kind, { maxBytes: item.size, signal, timeoutMs })
    return { ...mismatch(got), readBack: got.source }
  } finally {
    await closeLocalFile(opened.handle, { signal, timeoutMs })
  }
}
