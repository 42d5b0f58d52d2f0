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
import { PickedPaths, type PathPicker, type PickKind } from './picked-paths'
import { StagingGateway } from './staging-gateway'
import { ServeGateway } from './serve-gateway'

export interface MainContext {
  dataDir: string
  version: string
  transport: AppInfo['transport']
  /** the desktop app runs the hourly sync; the CLI and the test bridge do not */
  role: 'app' | 'cli' | 'bridge'
  /** only the Electron shell can open a browser; elsewhere the request is refused */
  openExternal?: (url: string) => Promise<void>
  /** only the Electron shell has native dialogs; elsewhere the pickers are refused */
  pickPath?: PathPicker
}

export interface MainServices {
  /** the request map: one handler per request of the contract, calling the classes below */
  services: RequestHandlers
  events: AppEvents
  sources: SourcesService
  streams: StreamsGateway
  imports: ImportGateway
  settings: SettingsStore
  /** the paths the user chose in native pickers (see picked-paths.ts) */
  picked: PickedPaths
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

  const picked = new PickedPaths()
  const pick = async (kind: PickKind) => {
    if (!ctx.pickPath)
      throw new AppError('invalid_argument', 'file and folder pickers exist only in the desktop app')
    const path = await ctx.pickPath(kind, picked.last(kind))
    if (path) picked.remember(kind, path)
    return { path }
  }

  const staging = new StagingGateway({
    dataDir: ctx.dataDir,
    version: ctx.version,
    events,
    getSource: (id) => sources.get(id)
  })

  const serving = new ServeGateway({ dataDir: ctx.dataDir, getSource: (id) => sources.get(id) })

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
    updateBootSource: async (arg) => {
      await imports.assertSourceChangeAllowed()
      return changedSources(await sources.update(arg))
    },
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
    cancelVerify: async () => streams.cancelVerify(),

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
    },

    pickKeyringFile: () => pick('keyring'),
    pickDirectory: () => pick('directory'),

    listDrives: async (arg) => staging.drives(arg.all ?? false),
    planStaging: ({ boot_source_id, target }) => staging.plan(boot_source_id, target),
    startStaging: ({ boot_source_id, target }) => staging.start(boot_source_id, target),
    stopStaging: async () => staging.stop(),
    getStagingStatus: async () => staging.getStatus(),
    startServing: (arg) => serving.start(arg),
    stopServing: () => serving.stop(),
    getServingStatus: async () => serving.status()
  }

  return {
    services,
    events,
    sources,
    streams,
    imports,
    settings,
    picked,
    dispose: async () => {
      streams.cancelVerify()
      await staging.dispose()
      await serving.stop()
      await imports.dispose()
    }
  }
}
