/**
 * Assembles the services behind every request of the IPC contract. The Electron shell, the
 * WebSocket bridge (browser-mode tests) and the CLI all call these same objects, in plain Node.
 */
import { rm } from 'node:fs/promises'
import { dataLayout } from '../core/data-layout'
import { AppError } from '@shared/errors'
import type {
  RequestHandlers,
  RequestInput,
  RequestName,
  RequestOptions,
  RequestOutput
} from '@shared/ipc-contract'
import type { Host } from '@shared/types'
import { handleRequest, InFlightRequests, unwrap } from './handle-request'
import { StateStore } from '../core/state-store'
import { SettingsStore } from '../core/settings-store'
import { secureDataDir } from '../core/data-dir-permissions'
import { defaultKeyringPath, ensureFirstRun } from '../core/first-run'
import { bundledKeyringPath } from '../core/resources-path'
import { AppEvents } from './events'
import { SourcesService } from './sources-service'
import { StreamsGateway } from './streams-gateway'
import { ImportGateway } from './import-gateway'
import { WorkerImportExecutor } from '../import/host/worker-executor'
import type { ImportWorkerLauncher } from '../import/host/worker-channel'
import { PickedPaths, type PathPicker, type PickKind } from './picked-paths'
import { StagingGateway } from './staging-gateway'
import { ServeGateway } from './serve-gateway'

export interface MainContext {
  dataDir: string
  version: string
  /**
   * The front end this runs in. The desktop app runs the automatic sync, and so does the test
   * bridge, which stands in for it in browser-mode end-to-end tests; the CLI never does.
   */
  host: Host
  /** only the Electron shell can open a browser; elsewhere the request is refused */
  openExternal?: (url: string) => Promise<void>
  /** only the Electron shell registers a login item (start_at_login); elsewhere the setting is refused */
  startAtLogin?: (enabled: boolean) => Promise<void>
  /** only the Electron shell has native dialogs; elsewhere the pickers are refused */
  pickPath?: PathPicker
  /**
   * Where imports run: the one place this is chosen. A process that owns a window (the app: a utility
   * process, src/main/shell/utility-process-launcher.ts; its browser-mode stand-in: a worker thread) passes a
   * launcher, and each import's downloads, hashing, cache writes and HTTP parsing run in a worker it starts,
   * so the window's event loop stays free. Without one the import runs in this process: that is the CLI's
   * choice. It has no window to keep responsive, and a worker would cost it memory it does not have (a
   * second V8 heap with the import code loaded again; measured in docs/performance.md) under its 100 MB
   * peak-RSS target, and a message hop per progress event, for nothing.
   */
  launchImportWorker?: { launch: ImportWorkerLauncher; where: string }
}

export interface MainServices {
  /** the request map: one handler per request of the contract, calling the classes below */
  services: RequestHandlers
  /**
   * One request through handleRequest, as the IPC and WebSocket front ends send it, for in-process
   * callers (the CLI): validated, errors thrown as AppErrors, `signal` cancels it.
   */
  request<K extends RequestName>(
    name: K,
    arg: RequestInput<K>,
    options?: RequestOptions & { signal?: AbortSignal }
  ): Promise<RequestOutput<K>>
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
    connect: (url, keyring, signal) => streams.connect(url, keyring, signal)
  })
  const imports = new ImportGateway({
    dataDir: ctx.dataDir,
    events,
    listSources: () => sources.sourcesWithSelections(),
    getSettings: () => settings.read(),
    autoSync: ctx.host !== 'cli',
    executor: ctx.launchImportWorker
      ? new WorkerImportExecutor(ctx.launchImportWorker.launch, { where: ctx.launchImportWorker.where })
      : undefined
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
    getSource: (id) => sources.get(id),
    // As for serving: the window's renderer names only a folder picked in main's dialog (or a listed drive).
    // The browser-mode host has no pickers; its e2e suite types the path.
    mayStageTo: (target) => ctx.host !== 'app' || picked.wasPicked('directory', target),
    servedFrom: (mount): string | null => serving.servedFrom(mount)
  })

  const serving = new ServeGateway({
    dataDir: ctx.dataDir,
    events,
    getSource: (id) => sources.get(id),
    // The CLI's user typed the path; the window's renderer may only name a folder chosen in main's dialog, a
    // drive main listed, or a target staging already ran onto (which passed the same check).
    mayServeDirectory: (dir): boolean =>
      ctx.host === 'cli' || picked.wasPicked('directory', dir) || staging.mayServe(dir)
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
      host: ctx.host
    }),

    listBootSources: () => sources.list(),
    getBootSource: ({ id }) => sources.get(id),
    createBootSource: async (arg, call) => changedSources(await sources.create(arg, call?.signal)),
    updateBootSource: async (arg, call) => {
      await imports.assertSourceChangeAllowed()
      return changedSources(await sources.update(arg, call?.signal))
    },
    connectSource: (arg, call) => sources.connectOnly(arg, call?.signal),
    saveConnectedSource: async (arg) => {
      await imports.assertSourceChangeAllowed()
      return changedSources(await sources.saveConnected(arg))
    },
    deleteBootSource: async ({ id }) => {
      await sources.delete(id)
      // Its cached metadata goes too: a later source may get another URL under a new id.
      await rm(streams.cacheDir(id), { recursive: true, force: true })
      changedSources(undefined)
    },

    listSelections: ({ boot_source_id }) => sources.listSelections(boot_source_id),
    getSelection: ({ boot_source_id, id }) => sources.getSelection(boot_source_id, id),
    createSelection: async (arg) => changedSources(await sources.createSelection(arg)),
    updateSelection: async (arg) => changedSources(await sources.updateSelection(arg)),
    deleteSelection: async ({ boot_source_id, id }) =>
      changedSources(await sources.deleteSelection(boot_source_id, id)),
    applySelectionChanges: async (arg) => changedSources(await sources.applySelectionChanges(arg)),

    getCatalogue: async ({ boot_source_id, refresh }, call) =>
      streams.catalogue(await sources.get(boot_source_id), refresh ?? false, call?.signal),
    verifyMirror: (arg, call) => streams.verify(arg.location, arg, arg.deep ?? false, call?.signal),
    cancelRequest: async ({ id }, call) => ({ cancelled: call?.cancel(id) ?? false }),

    listBootResources: () => imports.listResources(),
    getBootResource: ({ id }) => imports.getResource(id),
    deleteBootResource: ({ id }) => imports.deleteResource(id),
    startImport: () => imports.start(),
    runImport: (_arg, call) => imports.run(call?.signal ?? new AbortController().signal),
    stopImport: () => imports.stop(),
    getImportStatus: () => imports.status(),
    restartImport: (_arg, call) => imports.restart(call?.signal),

    // Proxy passwords never leave main: the renderer and the CLI's output get them masked.
    getSettings: () => settings.shown(),
    updateSettings: async (patch) => {
      // The login item first: a setting the OS did not take is not saved.
      if (patch.start_at_login !== undefined) {
        if (!ctx.startAtLogin)
          throw new AppError('invalid_argument', 'start at login can only be set from the desktop app')
        await ctx.startAtLogin(patch.start_at_login)
      }
      await settings.update(patch)
      imports.settingsChanged()
      return settings.shown()
    },

    openExternal: async ({ url }) => {
      if (!ctx.openExternal)
        throw new AppError('invalid_argument', 'links can only be opened from the desktop app')
      await ctx.openExternal(url)
    },

    pickKeyringFile: () => pick('keyring'),
    pickDirectory: () => pick('directory'),

    listDrives: async (arg) => staging.drives(arg.all ?? false),
    listStagingChoices: ({ boot_source_id }) => staging.choices(boot_source_id),
    planStaging: ({ boot_source_id, target, images }, call) =>
      staging.plan(boot_source_id, target, images, call?.signal),
    startStaging: ({ boot_source_id, target, images }) => staging.start(boot_source_id, target, images),
    runStaging: ({ boot_source_id, target, filter, images }, call) =>
      staging.run(
        boot_source_id,
        target,
        { ...filter, images },
        call?.signal ?? new AbortController().signal
      ),
    stopStaging: async () => staging.stop(),
    getStagingStatus: async () => staging.getStatus(),
    ejectDrive: ({ mount }) => staging.ejectDrive(mount),
    startServing: (arg) => serving.start(arg),
    stopServing: () => serving.stop(),
    getServingStatus: async () => serving.status()
  }

  // In-process callers get their own set of cancellable requests, apart from any window's.
  const inFlight = new InFlightRequests()
  const request: MainServices['request'] = async (name, arg, options = {}) =>
    unwrap(await handleRequest(services, name, arg, { ...options, inFlight }))

  return {
    services,
    request,
    events,
    sources,
    streams,
    imports,
    settings,
    picked,
    dispose: async () => {
      inFlight.cancelAll()
      streams.dispose()
      await staging.dispose()
      await serving.stop()
      await imports.dispose()
    }
  }
}
