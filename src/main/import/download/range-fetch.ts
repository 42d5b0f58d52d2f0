/**
 * Opens a byte range of an item, over http(s) via the shared HTTP client, or from a local mirror
 * (file: URL, e.g. a USB stick) through the same response shape, so the downloader has one path.
 * Over http the body is undici's, pushed chunk by chunk to body-writer.ts with no stream in between.
 */
import { isAbsolute, relative } from 'node:path'
import { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { AppError } from '@shared/errors'
import type { ProxySettings } from '@shared/types'
import { openLocalFile, type OpenedLocalFile } from '../../net/local-file'
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
  /**
   * the roots of this import's local mirrors (directories): a file: URL is read only under the one that holds
   * it, and only if its real path stays there
   */
  localRoots?: readonly string[]
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

/** The mirror root that holds `path` by name (the deepest, should one root hold another). */
function mirrorRootOf(path: string, roots: readonly string[]): string | undefined {
  const holding = roots.filter((root) => {
    const rel = relative(root, path)
    return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)
  })
  return holding.sort((a, b) => b.length - a.length)[0]
}

/**
 * A byte range of an item of a local mirror (a USB stick), as untrusted as a server: the file is opened through
 * the bounded local reader with the mirror's root, so a link that leads out of the root (to a private file, or
 * to a copy of the right bytes elsewhere) is refused with "refused" alone: neither its size nor its bytes reach
 * a message, last-import.json or the cache. The stream takes the run's signal itself (Node removes that
 * listener when the stream ends): a connection chains many ranges over one signal, and a listener left per
 * range printed MaxListenersExceededWarning on the admin's terminal.
 */
async function localRange(url: string, req: RangeRequest): Promise<RangeResponse> {
  const path = fileURLToPath(url)
  const root = mirrorRootOf(path, req.localRoots ?? [])
  if (root === undefined) {
    throw new AppError(
      'unsafe_path',
      `${path} is not under the root of a local mirror of this import: refused`
    )
  }
  let opened: OpenedLocalFile
  try {
    opened = await openLocalFile(path, { root, signal: req.signal })
  } catch (err) {
    if (err instanceof AppError && err.code === 'not_found') {
      return { status: 404, headers: {}, url, body: Readable.from([]) }
    }
    throw err
  }
  const body = opened.handle.createReadStream({
    start: req.start,
    end: req.end - 1,
    highWaterMark: 1 << 20,
    signal: req.signal
  })
  return {
    status: 206,
    headers: { 'content-range': `bytes ${req.start}-${req.end - 1}/${opened.size}` },
    url,
    body
  }
}
