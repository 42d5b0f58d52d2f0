/**
 * Serving from the app: one mirror server at a time, off by default. Listening beyond loopback is the
 * user's explicit choice (`lan`), and the status says which address it listens on.
 */
import { networkInterfaces } from 'node:os'
import type { BootSource, ServingStatus } from '@shared/types'
import { resolve } from 'node:path'
import { AppError } from '@shared/errors'
import { cacheMirror, directoryMirror } from '../serve/mirror-files'
import { DEFAULT_PORT, startMirrorServer, type MirrorServer } from '../serve/mirror-server'

export interface ServeGatewayDeps {
  dataDir: string
  getSource(id: number): Promise<BootSource>
  /** whether a directory may be served: the app allows only one the user picked in main's dialog */
  mayServeDirectory(dir: string): boolean
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
          label: this.label
        }
      : { serving: false, url: null, address: null, port: null, boot_source_id: null, label: null }
  }

  async start(arg: ServeRequest): Promise<ServingStatus> {
    if (arg.dir !== undefined && !this.deps.mayServeDirectory(arg.dir))
      throw new AppError(
        'invalid_argument',
        `choose the directory to serve with the folder picker: ${arg.dir}`
      )
    await this.stop()
    const files =
      arg.dir !== undefined
        ? await directoryMirror(resolve(arg.dir))
        : await cacheMirror(this.deps.dataDir, await this.deps.getSource(arg.boot_source_id!))
    this.server = await startMirrorServer(files, {
      port: arg.port ?? DEFAULT_PORT,
      bind: arg.bind ?? (arg.lan ? '0.0.0.0' : '127.0.0.1')
    })
    this.sourceId = arg.boot_source_id ?? null
    this.label = files.label
    return this.status()
  }

  async stop(): Promise<ServingStatus> {
    const s = this.server
    this.server = null
    this.sourceId = null
    await s?.close()
    return this.status()
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
