/**
 * Opens a byte range of an item, over http(s) via the shared HTTP client, or from a local mirror
 * (file: URL, e.g. a USB stick) through the same response shape, so the downloader has one path.
 */
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { ProxySettings } from '@shared/types'
import { httpGet, type HttpResponse } from '../../net/request'

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

export type RangeFetcher = (url: string, req: RangeRequest) => Promise<HttpResponse>

export const fetchRange: RangeFetcher = async (url, req) => {
  if (url.startsWith('file:')) return localRange(url, req)
  return httpGet(url, {
    headers: { Range: `bytes=${req.start}-${req.end - 1}` },
    proxy: req.proxy,
    signal: req.signal,
    stallTimeoutMs: req.stallTimeoutMs,
    connectTimeoutMs: req.connectTimeoutMs
  })
}

async function localRange(url: string, req: RangeRequest): Promise<HttpResponse> {
  const path = fileURLToPath(url)
  const st = await stat(path).catch(() => null)
  if (!st || !st.isFile()) {
    const { Readable } = await import('node:stream')
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
