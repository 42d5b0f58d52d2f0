import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import type { ProxySettings } from '../../shared/types'
import { httpError, httpGet } from '../net/request'
import { isUrlRoot, joinStreamPath } from './safe-path'
import { strongestChecksum, type StreamItem } from './validate-items'

export interface ItemCheck {
  path: string
  ok: boolean
  /** true when the file is simply not in this mirror (partial mirrors are normal) */
  missing?: boolean
  problem?: string
}

async function digest(stream: AsyncIterable<Buffer>, kind: string): Promise<{ hex: string; size: number }> {
  const hash = createHash(kind)
  let size = 0
  for await (const chunk of stream) {
    hash.update(chunk)
    size += chunk.length
  }
  return { hex: hash.digest('hex'), size }
}

/** Checks one item's size and strongest checksum under a mirror root (directory or http(s) URL). */
export async function checkItem(
  root: string,
  item: StreamItem,
  opts: { proxy?: Partial<ProxySettings>; signal?: AbortSignal } = {}
): Promise<ItemCheck> {
  const sum = strongestChecksum(item)!
  const location = joinStreamPath(root, item.path)
  const mismatch = (got: { hex: string; size: number }): ItemCheck => {
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
      return mismatch(await digest(res.body as AsyncIterable<Buffer>, sum.kind))
    }
    let st
    try {
      st = await stat(location)
    } catch {
      return { path: item.path, ok: false, missing: true, problem: 'missing' }
    }
    // Size first: a short file is the common case (interrupted copy) and costs no hashing.
    if (st.size !== item.size) return mismatch({ hex: '', size: st.size })
    return mismatch(await digest(createReadStream(location, { highWaterMark: 1024 * 1024 }), sum.kind))
  } catch (err) {
    return { path: item.path, ok: false, problem: (err as Error).message }
  }
}
