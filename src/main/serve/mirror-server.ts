/**
 * A read-only HTTP server for a SimpleStreams mirror, as MAAS (python-simplestreams) reads one: every
 * document and item at its upstream path, GET and HEAD with Range, exact Content-Length. Anything the
 * mirror does not hold is 404; methods other than GET/HEAD are 405. Binds to loopback unless told, and
 * there answers only requests addressed to loopback (host-header.ts). Clients that stall are reset and
 * too many connections dropped (connection-guard.ts); a body is read into one buffer per response, each read
 * waiting for the socket to take the last, so a client that stops reading holds one buffer until it is reset.
 * A directory mirror whose folder is no longer the one checked at start (a stick ejected or pulled), or whose
 * medium fails its reads (a stick pulled without unmounting), is never answered from: the server stops, saying
 * why (served-root.ts). A file body's first read is done before the status is sent, so a failing medium gets its
 * request a 503; a read that fails later ends that response short, never padded with other bytes. A medium that
 * stops answering (a read with no reply within the stall time limit) is the same: the response ends, serving
 * stops with the reason, and no read is sent to it again (each one it keeps holds a file-system thread).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { FileHandle } from 'node:fs/promises'
import { AppError } from '@shared/errors'
import { boundedCall, closeLocalFile, type LocalFileOptions } from '../net/local-file'
import { DEFAULT_SERVE_PORT } from '@shared/serve-port'
import { ConnectionGuard, DEFAULT_IDLE_TIMEOUT_MS, type ConnectionLimits } from './connection-guard'
import { hostHeaderCheck } from './host-header'
import { parseRange } from './http-range'
import type { MirrorFile, MirrorFiles } from './mirror-files'

export const DEFAULT_BIND = '127.0.0.1'
export const DEFAULT_PORT = DEFAULT_SERVE_PORT

export interface MirrorServer {
  url: string
  address: string
  port: number
  /** open connections and what the guard dropped or reset */
  connections: ConnectionGuard
  /**
   * Settles when the server has stopped: with the reason when it stopped by itself (its folder is no longer
   * the one checked at start), with null when close() stopped it.
   */
  stopped: Promise<string | null>
  close(): Promise<void>
}

/** How often a directory mirror's folder is checked while no request comes, so the status does not lie. */
export const ROOT_CHECK_MS = 1000

/** What a client reads once the folder has gone: the folder's path is the admin's business, not the client's. */
const FOLDER_GONE =
  'this mirror is no longer available: its folder was removed, replaced or stopped answering; serving stopped\n'

/**
 * Read size of a file body, and so the most one response holds while its client does not read: one buffer
 * per response, read into again only once the socket has taken all of it (no read-ahead, no buffer per read).
 * 256 KiB: a quarter of the reads (and of their cost) of 64 KiB, while 32 stalled clients hold 8 MiB.
 * (A 1 MiB read-ahead stream held 2 MiB per stalled client: 150 of them took the server from 63 to 377 MB.)
 */
const BODY_CHUNK_BYTES = 256 * 1024

function contentType(rel: string): string {
  if (rel.endsWith('.sjson')) return 'text/plain; charset=utf-8'
  if (rel.endsWith('.json')) return 'application/json'
  if (rel.endsWith('.gpg')) return 'application/pgp-keys'
  return 'application/octet-stream'
}

/** The stream path of a request, or null when it cannot name a mirror file. */
function requestPath(rawUrl: string): string | null {
  const pathname = rawUrl.split('?')[0]
  if (!pathname.startsWith('/')) return null
  try {
    return pathname
      .slice(1)
      .split('/')
      .map((s) => decodeURIComponent(s))
      .join('/')
  } catch {
    return null
  }
}

function plain(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    ...extra
  })
  res.end(text)
}

async function answer(
  req: IncomingMessage,
  res: ServerResponse,
  files: MirrorFiles,
  hostOk: ((host: string | undefined) => boolean) | null,
  folder: FolderWatch,
  medium: LocalFileOptions
): Promise<void> {
  if (folder.goneReason !== null) {
    plain(res, 503, FOLDER_GONE, { Connection: 'close' })
    return
  }
  if (hostOk && !hostOk(req.headers.host)) {
    plain(res, 421, 'this mirror answers only requests addressed to this machine\n', { Connection: 'close' })
    return
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    plain(res, 405, 'read-only mirror: GET and HEAD only\n', { Allow: 'GET, HEAD' })
    return
  }
  const rel = requestPath(req.url ?? '/')
  const file: MirrorFile | null = rel ? await files.lookup(rel) : null
  // Checked after the open: a folder unmounted before it would have had the file opened from the one beneath.
  const gone = await folder.check()
  if (gone !== null) {
    if (file?.kind === 'file') await closeLocalFile(file.handle, medium)
    folderLost(res, folder, gone)
    return
  }
  if (!rel || !file) {
    plain(res, 404, 'not in this mirror\n')
    return
  }
  if (file.kind === 'bytes') {
    await send(req, res, rel, file.data.length, (start, end, head) => {
      head()
      res.end(file.data.subarray(start, end + 1))
    })
    return
  }
  // The handle lookup checked is the one read; it is closed whatever happens to the response (without waiting
  // for a read given up on: see closeLocalFile).
  try {
    await send(req, res, rel, file.size, (start, end, head) =>
      pumpFile(file.handle, rel, start, end, res, head, folder, medium)
    )
  } finally {
    await closeLocalFile(file.handle, medium)
  }
}

/**
 * Resolves once the socket has taken `chunk` (so its buffer may be read into again); rejects if the client left.
 * The rejection carries no system code: a socket's ENOTCONN or EPIPE is the client's doing, never the medium's.
 */
function written(res: ServerResponse, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const gone = (): void => reject(new Error('the client closed the connection'))
    res.once('close', gone)
    res.write(chunk, (err) => {
      res.off('close', gone)
      if (err) reject(new Error(`the connection to the client failed: ${err.message}`))
      else resolve()
    })
  })
}

/**
 * Bytes [start, end] of the file to the response, through one buffer reused for every read: each read waits
 * until the socket has taken the previous one, so a client that stops reading holds one buffer, and reads
 * leave no garbage for the collector. `head` sends the status once the first read has succeeded: a medium that
 * fails at once leaves the status free for a 503. A read that fails throws before its buffer is written, so the
 * response ends short rather than carrying the previous read's bytes. Each read is bounded by the stall time
 * limit and by the server's stop (`medium`); one given up on may still write into the buffer later, so the
 * buffer is this response's alone and is dropped with it, never reused. Once serving has stopped, no read is
 * started.
 */
async function pumpFile(
  handle: FileHandle,
  rel: string,
  start: number,
  end: number,
  res: ServerResponse,
  head: () => void,
  folder: FolderWatch,
  medium: LocalFileOptions
): Promise<void> {
  const buf = Buffer.allocUnsafeSlow(Math.min(BODY_CHUNK_BYTES, end - start + 1))
  let pos = start
  while (pos <= end) {
    if (folder.goneReason !== null || medium.signal?.aborted) throw new Error('serving stopped')
    const want = Math.min(buf.length, end + 1 - pos)
    const { bytesRead } = await boundedCall(handle, handle.read(buf, 0, want, pos), rel, medium)
    if (bytesRead === 0) throw new Error('the file ended before its size')
    if (pos === start) head()
    await written(res, bytesRead === buf.length ? buf : buf.subarray(0, bytesRead))
    pos += bytesRead
  }
  res.end()
}

/** Sends bytes [start, end], calling `head` (the status and headers) before its first byte. */
type Body = (start: number, end: number, head: () => void) => void | Promise<void>

/** Status and headers for `size` bytes under the request's Range, then the body (none for HEAD or 416). */
async function send(
  req: IncomingMessage,
  res: ServerResponse,
  rel: string,
  size: number,
  body: Body
): Promise<void> {
  const range = parseRange(req.headers.range, size)
  if (range === 'unsatisfiable') {
    // No body: python-simplestreams resumes a `.part` file with `Range: bytes=<its size>-` and appends
    // whatever body comes back without looking at the status, so a part that is already whole must
    // get zero bytes here, or the file grows past its size and the whole mirror run fails.
    res.writeHead(416, { 'Content-Range': `bytes */${size}`, 'Content-Length': 0, 'Accept-Ranges': 'bytes' })
    res.end()
    return
  }
  const start = range ? range.start : 0
  const end = range ? range.end : size - 1
  const headers: Record<string, string | number> = {
    'Content-Type': contentType(rel),
    'Accept-Ranges': 'bytes',
    'Content-Length': Math.max(0, end - start + 1)
  }
  if (range) headers['Content-Range'] = `bytes ${start}-${end}/${size}`
  const head = (): void => void res.writeHead(range ? 206 : 200, headers)
  if (req.method === 'HEAD' || size === 0) {
    head()
    res.end()
    return
  }
  await body(start, end, head)
}

/** What went wrong listening, with what to do about it. */
function listenFailure(bind: string, port: number, err: NodeJS.ErrnoException): string {
  const at = `${bind}:${port}`
  if (err.code === 'EADDRINUSE')
    return `cannot listen on ${at}: port ${port} is already in use; choose another port`
  if (err.code === 'EACCES')
    return `cannot listen on ${at}: port ${port} needs administrator rights; choose a port from 1024 up`
  if (err.code === 'EADDRNOTAVAIL') return `cannot listen on ${at}: this machine has no address ${bind}`
  return `cannot listen on ${at}: ${err.code ?? err.message}`
}

/**
 * The folder's state as requests and the watch see it; `lose` marks it gone (no read is started on it again, and
 * reads in flight are given up on), `stop` ends serving once, with the reason.
 */
interface FolderWatch {
  goneReason: string | null
  check(): Promise<string | null>
  lose(reason: string): void
  stop(reason: string): void
}

/**
 * A request that found the folder gone, or its medium failing: no request is answered from the folder again;
 * this one gets a 503 (without the folder's path) if nothing was sent yet, or is cut short, and then the server
 * stops with `reason`.
 */
function folderLost(res: ServerResponse, folder: FolderWatch, reason: string): void {
  folder.lose(reason)
  // A client that left while its file was read has no answer to wait for (and its 'close' has fired).
  if (res.headersSent || res.destroyed) {
    res.destroy()
    folder.stop(reason)
    return
  }
  // Stopping closes every connection: it waits until this answer is out (or its client has gone).
  res.once('close', () => folder.stop(reason))
  plain(res, 503, FOLDER_GONE, { Connection: 'close' })
}

export interface MirrorServerOptions extends ConnectionLimits {
  port?: number
  bind?: string
  rootCheckMs?: number
  /** longest wait for one read of a served file; default 30 s (net/limits.ts); tests shorten it */
  mediumTimeoutMs?: number
}

export async function startMirrorServer(files: MirrorFiles, opts: MirrorServerOptions = {}): Promise<MirrorServer> {
  let hostOk: ((host: string | undefined) => boolean) | null = null
  let settle: (reason: string | null) => void = () => undefined
  const stopped = new Promise<string | null>((resolve) => (settle = resolve))
  let closing: Promise<void> | null = null
  // The folder's periodic check: started once listening, cleared by stop().
  const watch: { timer?: NodeJS.Timeout } = {}
  // Aborted when serving stops: a body read still waiting is given up on at once.
  const ending = new AbortController()
  const medium: LocalFileOptions = { timeoutMs: opts.mediumTimeoutMs, signal: ending.signal }
  const stop = (reason: string | null): Promise<void> => {
    if (closing) return closing
    clearInterval(watch.timer)
    ending.abort()
    folder.goneReason = reason
    closing = new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    }).then(() => settle(reason))
    return closing
  }
  const folder: FolderWatch = {
    goneReason: null,
    check: async () => (folder.goneReason ?? (await files.root?.changed())) || null,
    lose: (reason) => {
      folder.goneReason ??= reason
      // Other responses waiting on a read of the medium end now, with a 503 where nothing was sent yet.
      ending.abort()
    },
    stop: (reason) => void stop(reason)
  }
  const idle = opts.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS
  // How often node:http looks for requests whose headers are late (default 30 s, too coarse for short limits).
  const server: Server = createServer(
    { connectionsCheckingInterval: Math.min(30_000, Math.max(100, idle / 4)) },
    (req, res) => {
      answer(req, res, files, hostOk, folder, medium).catch((err: unknown) => {
        // A read cut short because serving stopped (or is stopping) is answered like the request that stopped it.
        const failed = files.failure(err) ?? folder.goneReason
        if (failed !== null) return folderLost(res, folder, failed)
        // A client that went away mid-body, or a file that vanished: end this response only.
        if (!res.headersSent) plain(res, 500, 'read error\n')
        else res.destroy()
      })
    }
  )
  const connections = new ConnectionGuard(server, opts)
  const bind = opts.bind ?? DEFAULT_BIND
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new AppError('io', listenFailure(bind, opts.port ?? DEFAULT_PORT, err), { cause: err }))
    )
    server.listen(opts.port ?? DEFAULT_PORT, bind, () => {
      // Before any request is read: the names a loopback listener answers to depend on its port.
      const a = server.address() as AddressInfo
      hostOk = hostHeaderCheck(a.address, a.port)
      resolve()
    })
  })
  const addr = server.address() as AddressInfo
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address
  let watching = false
  watch.timer = files.root
    ? setInterval(() => {
        // One check at a time: a stat on a dead network mount may hang, and must not pile up.
        if (watching) return
        watching = true
        void folder.check().then((reason) => {
          watching = false
          if (reason !== null) folder.stop(reason)
        })
      }, opts.rootCheckMs ?? ROOT_CHECK_MS).unref()
    : undefined
  return {
    url: `http://${host}:${addr.port}/`,
    address: addr.address,
    port: addr.port,
    connections,
    stopped,
    close: () => stop(null)
  }
}
