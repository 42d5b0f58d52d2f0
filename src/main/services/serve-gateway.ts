/**
 * Serving from the app: one mirror server at a time, off by default. Listening beyond loopback is the
 * user's explicit choice (`lan`), and the status says which address it listens on. A served folder that is no
 * longer the one checked at start (a stick ejected or pulled), or whose medium fails or stops answering, stops
 * the server; the status keeps the reason and `servingStopped` tells every window, so the admin learns that
 * MAAS can no longer sync from it.
 */
import { networkInterfaces } from 'node:os'
import type { BootSource, ServingStatus } from '@shared/types'
import { isAbsolute, relative, resolve } from 'node:path'
import { AppError } from '@shared/errors'
import { notServing } from '@shared/serving-status'
import { cacheMirror, directoryMirror } from '../serve/mirror-files'
import { DEFAULT_PORT, startMirrorServer, type MirrorServer } from '../serve/mirror-server'
import type { AppEvents } from './events'

export interface ServeGatewayDeps {
  dataDir: string
  events: AppEvents
  getSource(id: number): Promise<BootSource>
  /** whether a directory may be served: the app allows only one the user picked in main's dialog */
  mayServeDirectory(dir: string): boolean
  /** how often a served folder is checked while no request comes (tests shorten it) */
  rootCheckMs?: number
  /** longest wait for one open or read of a served file; default 30 s (net/limits.ts); tests shorten it */
  mediumTimeoutMs?: number
}

export interface ServeRequest {
  boot_source_id?: number
  dir?: string
  port?: number
  lan?: boolean
  bind?: string
}

export class ServeGateway {
  private server: MirrorServer | null = null
  private sourceId: number | null = null
  private label: string | null = null
  private dir: string | null = null
  private stoppedReason: string | null = null

  constructor(private readonly deps: ServeGatewayDeps) {}

  status(): ServingStatus {
    const s = this.server
    return s
      ? {
          serving: true,
          url: publicUrl(s),
          address: s.address,
          port: s.port,
          boot_source_id: this.sourceId,
          label: this.label,
          dir: this.dir,
          stopped_reason: null
        }
      : notServing(this.stoppedReason)
  }

  /** The URL a served folder on `mount` (the mount point itself or a folder under it) is served at, or null. */
  servedFrom(mount: string): string | null {
    if (!this.server || this.dir === null) return null
    const rel = relative(resolve(mount), this.dir)
    const on = rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))
    return on ? publicUrl(this.server) : null
  }

  async start(arg: ServeRequest): Promise<ServingStatus> {
    if (arg.dir !== undefined && !this.deps.mayServeDirectory(arg.dir))
      throw new AppError(
        'invalid_argument',
        `choose the directory to serve with the folder picker: ${arg.dir}`
      )
    await this.stop()
    const dir = arg.dir !== undefined ? resolve(arg.dir) : null
    const medium = { timeoutMs: this.deps.mediumTimeoutMs }
    const files =
      dir !== null
        ? await directoryMirror(dir, medium)
        : await cacheMirror(this.deps.dataDir, await this.deps.getSource(arg.boot_source_id!), undefined, medium)
    const server = await startMirrorServer(files, {
      port: arg.port ?? DEFAULT_PORT,
      bind: arg.bind ?? (arg.lan ? '0.0.0.0' : '127.0.0.1'),
      rootCheckMs: this.deps.rootCheckMs,
      mediumTimeoutMs: this.deps.mediumTimeoutMs
    })
    this.server = server
    this.sourceId = arg.boot_source_id ?? null
    this.label = files.label
    this.dir = dir
    void server.stopped.then((reason) => {
      if (reason === null || this.server !== server) return
      this.forget()
      this.stoppedReason = reason
      this.deps.events.emit('servingStopped', this.status())
    })
    return this.status()
  }

  async stop(): Promise<ServingStatus> {
    const s = this.server
    this.forget()
    await s?.close()
    return this.status()
  }

  private forget(): void {
    this.server = null
    this.sourceId = null
    this.label = null
    this.dir = null
    this.stoppedReason = null
  }
}

/** On the LAN, the URL to give MAAS names this machine's first external IPv4 address, not 0.0.0.0. */
function publicUrl(s: MirrorServer): string {
  if (s.address !== '0.0.0.0') return s.url
  for (const list of Object.values(networkInterfaces()))
    for (const a of list ?? [])
      if (a.family === 'IPv4' && !a.internal) return `http://${a.address}:${s.port}/`
  return s.url
}
