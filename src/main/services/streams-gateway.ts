/**
 * Stream reading, verification and the catalogue, as the services use them. Verified raw documents
 * are kept under <dataDir>/metadata, so the catalogue shows offline and an unchanged stream only
 * costs conditional requests.
 */
import type { DataLayout } from '../core/data-layout'
import type { BootSource, Catalogue, VerifyReport } from '@shared/types'
import { AppError } from '@shared/errors'
import type { SettingsStore } from '../core/settings-store'
import type { ConnectedStream } from './sources-service'
import type { KeyringRef } from '../streams/keyring'
import {
  checkStream,
  loadCachedCatalogue,
  readCatalogue,
  type StreamCatalogue
} from '../streams/read-catalogue'
import { verifyMirror } from '../streams/verify-mirror'
import { readCacheManifest } from '../streams/metadata-cache'

export interface StreamsGatewayDeps {
  /** the data directory's layout: where each source's metadata cache lives */
  layout: DataLayout
  settings: SettingsStore
}

export class StreamsGateway {
  /** one controller per verify in flight: dispose() aborts them all */
  private readonly verifies = new Set<AbortController>()

  constructor(private readonly deps: StreamsGatewayDeps) {}

  /** One metadata cache per source, shared with the import engine. */
  cacheDir(sourceId: number): string {
    return this.deps.layout.metadataFor(sourceId)
  }

  /**
   * Fetches and verifies the whole stream, every item validated; throws naming the cause when it can't
   * ("Connect"). Nothing of the products is kept (checkStream), and nothing is written: the source may never
   * be saved. It says what the stream offers (offers), for picking before saving. Once it is saved, keep() puts the verified documents into its metadata cache, so the catalogue shown
   * next is read from there instead of fetching the whole stream again.
   */
  async connect(url: string, keyring: KeyringRef, signal?: AbortSignal): Promise<ConnectedStream> {
    const { proxy } = await this.deps.settings.read()
    const checked = await checkStream({ url, keyring, proxy, signal })
    return {
      keep: (sourceId) => checked.saveTo(this.cacheDir(sourceId)),
      offers: {
        verified: checked.verified,
        signatures: checked.documents.map((d) => d.signature),
        entries: checked.entries
      }
    }
  }

  /**
   * The catalogue of a source. Without `refresh` the last verified metadata is used when there is
   * some (re-verified from the cache, no network); otherwise the stream is fetched. Either way each
   * product is checked and reduced to its entry as it is read (read-catalogue.ts).
   */
  async catalogue(source: BootSource, refresh: boolean, signal?: AbortSignal): Promise<Catalogue> {
    let stream: StreamCatalogue | undefined
    let fetchedAt = new Date().toISOString()
    if (!refresh) {
      try {
        stream = await loadCachedCatalogue(this.cacheDir(source.id), source.url, source)
        fetchedAt = (await readCacheManifest(this.cacheDir(source.id), source.url))?.saved_at ?? fetchedAt
      } catch (err) {
        if (!(err instanceof AppError && err.code === 'not_found')) throw err
      }
    }
    if (!stream) {
      const { proxy } = await this.deps.settings.read()
      stream = await readCatalogue({
        url: source.url,
        keyring: source,
        proxy,
        metadataCacheDir: this.cacheDir(source.id),
        signal
      })
    }
    return {
      source_id: source.id,
      url: source.url,
      verified: stream.verified,
      signatures: stream.documents.map((d) => d.signature),
      fetched_at: fetchedAt,
      entries: stream.entries
    }
  }

  /**
   * Verifies a mirror. A deep verify of a big mirror can run for a long time: it stops when `signal` aborts
   * (the CLI's Ctrl-C, the app's cancelRequest); it then resolves with what it checked, marked cancelled.
   */
  async verify(
    location: string,
    keyring: KeyringRef,
    deep: boolean,
    signal?: AbortSignal
  ): Promise<VerifyReport> {
    const { proxy } = await this.deps.settings.read()
    const controller = new AbortController()
    const forward = (): void => controller.abort(signal?.reason)
    if (signal?.aborted) forward()
    else signal?.addEventListener('abort', forward, { once: true })
    this.verifies.add(controller)
    try {
      return await verifyMirror(location, keyring, { deep, proxy, signal: controller.signal })
    } finally {
      this.verifies.delete(controller)
      signal?.removeEventListener('abort', forward)
    }
  }

  /** For shutdown: aborts every verify in flight; each then reports what it checked so far, marked cancelled. */
  dispose(): void {
    for (const c of this.verifies) c.abort(new Error('verify cancelled'))
  }
}
