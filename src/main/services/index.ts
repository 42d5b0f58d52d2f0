/**
 * Assembles the services behind every request of the IPC contract. The Electron shell, the
 * WebSocket bridge (browser-mode tests) and the CLI all call these same objects, in plain Node.
 */
import { rm } from 'node:fs/promises'
import { dataLayout } from '../core/data-layout'
import { AppError } from '../../shared/errors'
import type { RequestHandlers } from '../../shared/ipc-contract'
import type { AppInfo } from '../../shared/types'
import { StateStore } from '../core/state-store'
import { SettingsStore, maskSettings } from '../core/settings-store'
import { secureDataDir } from '../core/data-dir-permissions'
import { defaultKeyringPath, ensureFirstRun } from '../core/first-run'
import { bundledKeyringPath } from '../core/resources-path'
import { AppEvents } from './events'
import { SourcesService } from './sources-service'
import { StreamsGateway } from './streams-gateway'
import { ImportGateway } from './import-gateway'

export interface MainContext {
  dataDir: string
  version: string
  transport: AppInfo['transport']
  /** the desktop app runs the hourly sync; the CLI and the test bridge do not */
  role: 'app' | 'cli' | 'bridge'
  /** only the Electron shell can open a browser; elsewhere the request is refused */
  openExternal?: (url: string) => Promise<void>
}

export interface MainServices {
  /** the request map: one handler per request of the contract, calling the classes below */
  services: RequestHandlers
  events: AppEvents
  sources: SourcesService
  streams: StreamsGateway
  imports: ImportGateway
  settings: SettingsStore
  dispose(): Promise<void>
}

export async function createMainServices(ctx: MainContext): Promise<MainServices> {
  // Before anything is written: settings.json may hold a proxy password.
  await secureDataDir(ctx.dataDir)
  const store = new StateStore(ctx.dataDir)
  const settings = new SettingsStore(ctx.dataDir)
  const events = new AppEvents()
  const defaultKeyring = () => defaultKeyringPath(bundledKeyringPath())
  await ensureFirstRun(store, defaultKeyring())

  const streams = new StreamsGateway({ layout: dataLayout(ctx.dataDir), settings })
  const sources = new SourcesService({
    store,
    defaultKeyring,
    connect: (url, keyring) => streams.connect(url, keyring)
  })
  const imports = new ImportGateway({
    dataDir: ctx.dataDir,
    events,
    listSources: () => sources.sourcesWithSelections(),
    getSettings: () => settings.read(),
    autoSync: ctx.role !== 'cli'
  })

  const changedSources = <T>(value: T): T => {
    events.emit('sourcesChanged', null)
    return value
  }

  const services: RequestHandlers = {
    getAppInfo: async () => ({
      name: 'MAAS Images',
      version: ctx.version,
      data_dir: ctx.dataDir,
      default_keyring: defaultKeyring(),
      transport: ctx.transport
    }),

    listBootSources: () => sources.list(),
    getBootSource: ({ id }) => sources.get(id),
    createBootSource: async (arg) => changedSources(await sources.create(arg)),
    updateBootSource: async (arg) => changedSources(await sources.update(arg)),
    deleteBootSource: async ({ id }) => {
      await sources.delete(id)
      // Its cached metadata goes too: a later source may get another URL under a new id.
      await rm(streams.cacheDir(id), { recursive: true, force: true })
      changedSources(undefined)
    },

    listSelections: ({ boot_source_id }) => sources.listSelections(boot_source_id),
    createSelection: async (arg) => changedSources(await sources.createSelection(arg)),
    updateSelection: async (arg) => changedSources(await sources.updateSelection(arg)),
    deleteSelection: async ({ boot_source_id, id }) =>
      changedSources(await sources.deleteSelection(boot_source_id, id)),

    getCatalogue: async ({ boot_source_id, refresh }) =>
      streams.catalogue(await sources.get(boot_source_id), refresh ?? false),
    verifyMirror: (arg) => streams.verify(arg.location, arg, arg.deep ?? false),

    listBootResources: () => imports.listResources(),
    getBootResource: ({ id }) => imports.getResource(id),
    deleteBootResource: ({ id }) => imports.deleteResource(id),
    startImport: () => imports.start(),
    stopImport: () => imports.stop(),
    getImportStatus: () => imports.status(),

    // Proxy passwords never leave main: the renderer and the CLI's output get them masked.
    getSettings: async () => maskSettings(await settings.read()),
    updateSettings: async (patch) => {
      const next = await settings.update(patch)
      imports.settingsChanged()
      return maskSettings(next)
    },

    openExternal: async ({ url }) => {
      if (!ctx.openExternal)
        throw new AppError('invalid_argument', 'links can only be opened from the desktop app')
      await ctx.openExternal(url)
    }
  }

  return { services, events, sources, streams, imports, settings, dispose: () => imports.dispose() }
}
