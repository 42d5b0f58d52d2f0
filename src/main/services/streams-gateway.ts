/**
 * Stream reading, verification and the catalogue, as the services use them. Verified raw documents
 * are kept under <dataDir>/metadata, so the catalogue shows offline and an unchanged stream only
 * costs conditional requests.
 */
import type { BootSource, Catalogue, VerifyReport } from '../../shared/types'
import { AppError } from '../../shared/errors'
import type { SettingsStore } from '../core/settings-store'
import type { KeyringRef } from '../streams/keyring'
import { loadCachedStream, readStream, type VerifiedStream } from '../streams/read-stream'
import { buildCatalogue } from '../streams/catalogue'
import { verifyMirror } from '../streams/verify-mirror'
import { readCacheManifest } from '../streams/metadata-cache'

export interface StreamsGatewayDeps {
  metadataDir: string
  settings: SettingsStore
}

export class StreamsGateway {
  constructor(private readonly deps: StreamsGatewayDeps) {}

  /** Fetches and verifies the whole stream; throws naming the cause when it can't ("Connect"). */
  async connect(url: string, keyring: KeyringRef): Promise<void> {
    await this.read(url, keyring)
  }

  async read(url: string, keyring: KeyringRef, signal?: AbortSignal): Promise<VerifiedStream> {
    const { proxy } = await this.deps.settings.read()
    return readStream({ url, keyring, proxy, metadataCacheDir: this.deps.metadataDir, signal })
  }

  /**
   * The catalogue of a source. Without `refresh` the last verified metadata is used when there is
   * some (re-verified from the cache, no network); otherwise the stream is fetched.
   */
  async catalogue(source: BootSource, refresh: boolean): Promise<Catalogue> {
    let stream: VerifiedStream | undefined
    let fetchedAt = new Date().toISOString()
    if (!refresh) {
      try {
        stream = await loadCachedStream(this.deps.metadataDir, source.url, source)
        fetchedAt = (await readCacheManifest(this.deps.metadataDir, source.url))?.saved_at ?? fetchedAt
      } catch (err) {
        if (!(err instanceof AppError && err.code === 'not_found')) throw err
      }
    }
    stream ??= await this.read(source.url, source)
    return {
      source_id: source.id,
      url: source.url,
      verified: stream.verified,
      signatures: stream.documents.map((d) => d.signature),
      fetched_at: fetchedAt,
      entries: buildCatalogue(stream)
    }
  }

  async verify(location: string, keyring: KeyringRef, deep: boolean): Promise<VerifyReport> {
    const { proxy } = await this.deps.settings.read()
    return verifyMirror(location, keyring, { deep, proxy })
  }
}
