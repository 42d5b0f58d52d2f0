/**
 * Opens a byte range of an item, over http(s) via the shared HTTP client, or from a local mirror
 * (file: URL, e.g. a USB stick) through the same response shape, so the downloader has one path.
 * Over http the body is undici's, pushed chunk by chunk to body-writer.ts with no stream in between.
 */
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { ProxySettings } from '@shared/types'
import { Readable } from 'node:stream'
import { httpOpen } from '../../net/request'
import type { ResponseBody } from '../../net/response-body'

export interface RangeRequest {
  /** inclusive start */
  start: number
  /** exclusive end */
  end: number
  proxy?: Partial<ProxySettings>
  signal: AbortSignal
  stallTimeoutMs?: number
  connectTimeoutMs?: number
}

export interface RangeResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  url: string
  /** must be consumed or destroyed; a Readable (local files, tests) is taken as well */
  body: ResponseBody | Readable
}

export type RangeFetcher = (url: string, req: RangeRequest) => Promise<RangeResponse>

export const fetchRange: RangeFetcher = async (url, req) => {
  if (url.startsWith('file:')) return localRange(url, req)
  return httpOpen(url, {
    headers: { Range: `bytes=${req.start}-${req.end - 1}` },
    proxy: req.proxy,
    signal: req.signal,
    stallTimeoutMs: req.stallTimeoutMs,
    connectTimeoutMs: req.connectTimeoutMs
  })
}

async function localRange(url: string, req: RangeRequest): Promise<RangeResponse> {
  const path = fileURLToPath(url)
  const st = await stat(path).catch(() => null)
  if (!st || !st.isFile()) {
    return { status: 404, headers: {}, url, body: Readable.from([]) }
  }
  const body = createReadStream(path, { start: req.start, end: req.end - 1, highWaterMark: 1 << 20 })
  req.signal.addEventListener('abort', () => body.destroy(), { once: true })
  return {
    status: 206,
    headers: { 'content-range': `bytes ${req.start}-${req.end - 1}/${st.size}` },
    url,
    body
  }
}
