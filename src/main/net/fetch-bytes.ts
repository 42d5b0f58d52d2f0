import { fileURLToPath } from 'node:url'
import { AppError } from '@shared/errors'
import { formatLimit, MAX_METADATA_BYTES } from './limits'
import { closeLocalFile, openLocalFile, readLocalFile } from './local-file'
import { bytesFromMedium, type ReadBackSource } from './medium-read'
import { httpError, httpGet, type HttpRequestOptions } from './request'

export interface FetchBytesOptions extends HttpRequestOptions {
  /** refuse bodies larger than this; default 64 MiB */
  maxBytes?: number
  /** cached validators: when given, a 304 answer returns notModified instead of a body */
  etag?: string
  lastModified?: string
  /** default true: an HTML page where JSON was expected is refused (captive portal, proxy login) */
  refuseHtml?: boolean
  /** local locations only: the mirror root the file's real path must stay under (symlinks may not leave it) */
  localRoot?: string
  /** local locations only: longest wait for one open or read; default 30 s */
  localTimeoutMs?: number
  /**
   * local locations only: read the bytes from the drive, not the system cache (verify --deep of a stick), so
   * what the signature is checked on is what the medium holds
   */
  fromMedium?: boolean
}

export interface FetchBytesResult {
  data: Buffer
  /** final URL (after redirects) or the absolute file path */
  url: string
  etag?: string
  lastModified?: string
  notModified: boolean
  /** with `fromMedium`: where the bytes were read from */
  readBack?: ReadBackSource
}

/** True for http(s):// locations; everything else is a file:// URL or a filesystem path. */
export function isHttpLocation(location: string): boolean {
  return /^https?:\/\//i.test(location)
}

/** Filesystem path for a file:// URL or a plain path; null for http(s). */
export function localPath(location: string): string | null {
  if (isHttpLocation(location)) return null
  if (/^file:/i.test(location)) return fileURLToPath(location)
  return location
}

function tooBig(maxBytes: number, where: string): AppError {
  return new AppError('stream_invalid', `metadata over ${formatLimit(maxBytes)}: ${where}`)
}

function looksLikeHtml(data: Buffer, contentType: string | undefined): boolean {
  if (contentType && /^\s*text\/html\b/i.test(contentType)) return true
  const head = data.subarray(0, 512).toString('utf8').trimStart().toLowerCase()
  return head.startsWith('<!doctype html') || head.startsWith('<html')
}

function htmlError(where: string): AppError {
  return new AppError(
    'stream_invalid',
    `got an HTML page instead of stream metadata from ${where}; this is usually a captive portal or proxy login page`
  )
}

/**
 * Reads a whole (small) metadata document from http(s), file:// or a path, with a size cap and optional
 * conditional request so an unchanged stream costs a 304.
 */
export async function fetchBytes(location: string, opts: FetchBytesOptions = {}): Promise<FetchBytesResult> {
  const maxBytes = opts.maxBytes ?? MAX_METADATA_BYTES
  const refuseHtml = opts.refuseHtml ?? true
  const path = localPath(location)
  if (path !== null && opts.fromMedium) return await fetchFromMedium(path, maxBytes, refuseHtml, opts)
  if (path !== null) {
    const data = await readLocalFile(path, maxBytes, () => tooBig(maxBytes, path), {
      root: opts.localRoot,
      signal: opts.signal,
      timeoutMs: opts.localTimeoutMs
    })
    if (refuseHtml && looksLikeHtml(data, undefined)) throw htmlError(path)
    return { data, url: path, notModified: false }
  }

  const headers: Record<string, string> = { Accept: 'application/json, */*;q=0.5', ...opts.headers }
  if (opts.etag) headers['If-None-Match'] = opts.etag
  if (opts.lastModified) headers['If-Modified-Since'] = opts.lastModified
  const res = await httpGet(location, { ...opts, headers })
  const etag = typeof res.headers.etag === 'string' ? res.headers.etag : undefined
  const lastModified = res.headers['last-modified']
  if (res.status === 304 && (opts.etag || opts.lastModified)) {
    res.body.destroy()
    return {
      data: Buffer.alloc(0),
      url: res.url,
      etag: etag ?? opts.etag,
      lastModified: lastModified ?? opts.lastModified,
      notModified: true
    }
  }
  if (res.status < 200 || res.status > 299) throw httpError(res)

  const declared = Number(res.headers['content-length'])
  if (Number.isFinite(declared) && declared > maxBytes) {
    res.body.destroy()
    throw tooBig(maxBytes, res.url)
  }
  const chunks: Buffer[] = []
  let total = 0
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    total += chunk.length
    if (total > maxBytes) {
      res.body.destroy()
      throw tooBig(maxBytes, res.url)
    }
    chunks.push(chunk)
  }
  const data = Buffer.concat(chunks, total)
  if (refuseHtml && looksLikeHtml(data, res.headers['content-type'])) throw htmlError(res.url)
  return { data, url: res.url, etag, lastModified, notModified: false }
}

async function fetchFromMedium(
  path: string,
  maxBytes: number,
  refuseHtml: boolean,
  opts: FetchBytesOptions
): Promise<FetchBytesResult> {
  const { handle, size } = await openLocalFile(path, {
    root: opts.localRoot,
    signal: opts.signal,
    timeoutMs: opts.localTimeoutMs
  })
  try {
    if (size > maxBytes) throw tooBig(maxBytes, path)
    const got = await bytesFromMedium(handle, path, {
      maxBytes,
      signal: opts.signal,
      timeoutMs: opts.localTimeoutMs
    })
    if (got.over) throw tooBig(maxBytes, path)
    if (refuseHtml && looksLikeHtml(got.data, undefined)) throw htmlError(path)
    return { data: got.data, url: path, notModified: false, readBack: got.source }
  } finally {
    await closeLocalFile(handle, { signal: opts.signal, timeoutMs: opts.localTimeoutMs })
  }
}
