/** The import engine as the services see it: start/stop/status, boot resources, the sync scheduler. */
import type {
  BootResource,
  BootSource,
  BootSourceSelection,
  ImportStatus,
  Settings
} from '../../shared/types'
import { AppError } from '../../shared/errors'
import type { AppEvents } from './events'

export interface ImportGatewayDeps {
  dataDir: string
  events: AppEvents
  listSources(): Promise<Array<{ source: BootSource; selections: BootSourceSelection[] }>>
  getSettings(): Promise<Settings>
}

export class ImportGateway {
  constructor(private readonly deps: ImportGatewayDeps) {}

  async listResources(): Promise<BootResource[]> {
    void this.deps
    return []
  }
  async getResource(id: number): Promise<BootResource> {
    throw new AppError('not_found', `boot resource ${id} does not exist`)
  }
  async deleteResource(id: number): Promise<void> {
    throw new AppError('not_found', `boot resource ${id} does not exist`)
  }
  async start(): Promise<{ started: boolean; message: string }> {
    throw new AppError('internal', 'the import engine is not wired yet')
  }
  async stop(): Promise<{ stopping: boolean; message: string }> {
    return { stopping: false, message: 'No import is running' }
  }
  async status(): Promise<ImportStatus> {
    return { importing: false, progress: null, last_result: null, next_sync_at: null }
  }
  settingsChanged(): void {}
  async dispose(): Promise<void> {}
}
