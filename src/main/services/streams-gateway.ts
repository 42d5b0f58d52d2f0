/** Stream reading, verification and the catalogue, for the services and the CLI. */
import type { BootSource, Catalogue, VerifyReport } from '../../shared/types'
import type { SettingsStore } from '../core/settings-store'
import type { KeyringRef } from './sources-service'
import { AppError } from '../../shared/errors'

export interface StreamsGatewayDeps {
  metadataDir: string
  settings: SettingsStore
}

export class StreamsGateway {
  constructor(private readonly deps: StreamsGatewayDeps) {}

  async connect(_url: string, _keyring: KeyringRef): Promise<void> {
    void this.deps
    throw new AppError('internal', 'stream reading is not wired yet')
  }

  async catalogue(_source: BootSource, _refresh: boolean): Promise<Catalogue> {
    throw new AppError('internal', 'stream reading is not wired yet')
  }

  async verify(
    _location: string,
    _keyring: { keyring_filename?: string; keyring_data?: string },
    _deep: boolean
  ): Promise<VerifyReport> {
    throw new AppError('internal', 'stream reading is not wired yet')
  }
}
