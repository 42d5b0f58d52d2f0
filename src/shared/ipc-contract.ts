/**
 * The one declaration of every request the renderer can make of main and every event main sends.
 *
 * - The preload exposes exactly one method per request (same name) plus `on(event, cb)`.
 * - Main registers one handler per request and validates its argument with `input` before calling
 *   the service of the same name.
 * - The WebSocket bridge used by browser-mode end-to-end tests carries the very same messages.
 */
import { z } from 'zod'
import * as s from './schemas'
import type {
  AppInfo,
  BootResource,
  BootSource,
  BootSourceSelection,
  Catalogue,
  ImportProgress,
  ImportResult,
  ImportStatus,
  ShownSettings,
  VerifyReport,
  Drive,
  StagingChoice,
  StagingPlan,
  StagingStatus,
  StageProgress,
  StageResult,
  ServingStatus
} from './types'

/** A request: its argument schema and (as a phantom type) its result. */
interface RequestDef<I extends z.ZodType, O> {
  input: I
  /** never set: carries the result type only */
  output?: O
}
function request<O>() {
  return <I extends z.ZodType>(input: I): RequestDef<I, O> => ({ input })
}

const none = z.undefined()
const byId = z.object({ id: s.idSchema }).strict()
const bySource = z.object({ boot_source_id: s.idSchema }).strict()

export const requests = {
  getAppInfo: request<AppInfo>()(none),

  listBootSources: request<BootSource[]>()(none),
  getBootSource: request<BootSource>()(byId),
  /** fetches and verifies the stream first ("Connect"); saved only when that works */
  createBootSource: request<BootSource>()(s.createSourceSchema),
  updateBootSource: request<BootSource>()(s.updateSourceSchema),
  deleteBootSource: request<void>()(byId),
  /** Change source's Connect: fetches and verifies a stream and says what it offers; saves nothing */
  connectSource: request<SourceConnection>()(s.connectSourceSchema),
  /** Change source's "Update selection": the connected source and its selection change, in one write */
  saveConnectedSource: request<ConnectedSourceSaved>()(s.saveConnectedSourceSchema),

  listSelections: request<BootSourceSelection[]>()(bySource),
  getSelection: request<BootSourceSelection>()(s.selectionRefSchema),
  createSelection: request<BootSourceSelection>()(s.createSelectionSchema),
  updateSelection: request<BootSourceSelection>()(s.updateSelectionSchema),
  deleteSelection: request<void>()(s.selectionRefSchema),
  /**
   * A whole selection change of one source (creates, updates, deletes), applied at once under the state
   * lock: all or nothing, so a refusal half-way leaves the saved selections exactly as they were.
   */
  applySelectionChanges: request<SelectionChangesApplied>()(s.selectionChangesSchema),

  getCatalogue: request<Catalogue>()(s.catalogueRequestSchema),
  verifyMirror: request<VerifyReport>()(s.verifySchema),
  /**
   * Aborts the caller's own request in flight that was sent with this request id (see
   * RequestOptions): its handler's AbortSignal fires, and the request ends with code `cancelled`
   * (verifyMirror resolves with the report so far, marked cancelled). False when no such request runs.
   */
  cancelRequest: request<{ cancelled: boolean }>()(z.object({ id: s.requestIdSchema }).strict()),

  listBootResources: request<BootResource[]>()(none),
  getBootResource: request<BootResource>()(byId),
  deleteBootResource: request<void>()(byId),
  startImport: request<{ started: boolean; message: string }>()(none),
  /** runs an import in the foreground (the CLI) and resolves with its result; cancelling stops it */
  runImport: request<ImportResult>()(none),
  stopImport: request<{ stopping: boolean; message: string }>()(none),
  getImportStatus: request<ImportStatus>()(none),
  /**
   * MAAS's "Save and sync": stops a running import (this process's or the CLI's), waits until it has
   * ended, starts a new one and resolves with the status once it runs. Busy when the old one does not end.
   */
  restartImport: request<ImportStatus>()(none),

  /** the settings with proxy passwords masked, and where those passwords are kept */
  /** the settings with proxy passwords masked, and where those passwords are kept */
  getSettings: request<ShownSettings>()(none),
  updateSettings: request<ShownSettings>()(s.settingsPatchSchema),

  /** opens only allow-listed https links (src/main/shell/external-links.ts) */
  openExternal: request<void>()(z.object({ url: s.externalUrlSchema }).strict()),

  /**
   * Native pickers owned by main (desktop app only). The result is the path the user chose, or
   * null when they cancelled; main remembers it. Typed paths stay possible and are validated where
   * they are used, as before.
   */
  pickKeyringFile: request<PickedPath>()(none),
  pickDirectory: request<PickedPath>()(none),

  listDrives: request<Drive[]>()(z.object({ all: z.boolean().optional() }).strict()),
  /** the images of a boot source that can be staged (release × architecture, with their bytes) */
  listStagingChoices: request<StagingChoice[]>()(z.object({ boot_source_id: s.idSchema }).strict()),
  planStaging: request<StagingPlan>()(s.stagingTargetSchema),
  startStaging: request<{ started: boolean; message: string }>()(s.stagingTargetSchema),
  /** stages in the foreground (the CLI) and resolves with the result; progress still arrives as events */
  runStaging: request<StageResult>()(s.stagingRunSchema),
  stopStaging: request<{ stopping: boolean; message: string }>()(none),
  getStagingStatus: request<StagingStatus>()(none),
  /** unmounts and powers off a drive listDrives returned (udisks, diskutil, the Windows shell's Eject) */
  ejectDrive: request<{ ejected: boolean; message: string }>()(
    z.object({ mount: z.string().min(1).max(4096) }).strict()
  ),
  /**
   * Serves a boot source's cache, or (`dir`) a staged directory, as a read-only mirror. `bind` is the CLI's
   * `--bind`; the app gives `lan` instead. In the app a `dir` must be one the user picked in main's dialog.
   */
  startServing: request<ServingStatus>()(s.startServingSchema),
  stopServing: request<ServingStatus>()(none),
  getServingStatus: request<ServingStatus>()(none)
} as const

/** What applySelectionChanges did: how many of each, and the source's selections as saved. */
export interface SelectionChangesApplied {
  created: number
  updated: number
  deleted: number
  selections: BootSourceSelection[]
}

/** What a Connect verified, held by main (by `connection_id`) until it is saved or replaced. */
export interface SourceConnection {
  connection_id: string
  /** the source it would change; null: a new source */
  source_id: number | null
  url: string
  keyring_filename: string
  keyring_data: string
  /** false when the URL and keyring are the source's already */
  changed: boolean
  /** what the stream offers, as getCatalogue says it (source_id is the source's, or 0 for a new one) */
  catalogue: Catalogue
}

/** What saveConnectedSource saved: the source and its selection change. */
export interface ConnectedSourceSaved {
  source: BootSource
  applied: SelectionChangesApplied
}

/** What a native picker answers: the chosen path, or null when the dialog was cancelled. */
export interface PickedPath {
  path: string | null
}

export type RequestName = keyof typeof requests
export type RequestInput<K extends RequestName> = z.input<(typeof requests)[K]['input']>
export type RequestOutput<K extends RequestName> = Exclude<(typeof requests)[K]['output'], undefined>

/** Events from main to renderer, with their payloads. */
export interface EventMap {
  importProgress: ImportProgress
  importFinished: ImportResult
  resourcesChanged: null
  sourcesChanged: null
  syncScheduleChanged: { next_sync_at: string | null }
  stagingProgress: StageProgress
  stagingFinished: {
    ok: boolean
    result: StageResult | null
    error: { code: string; message: string; detail?: string } | null
  }
  /** the server stopped by itself: its folder is no longer the one checked at start (`stopped_reason` says why) */
  servingStopped: ServingStatus
}
export type EventName = keyof EventMap

export { requestNames, eventNames, requestChannel, eventChannel } from './request-names'

// Compile-time proof that request-names.ts lists exactly the requests and events declared here.
type SameKeys<A, B> = [Exclude<A, B>, Exclude<B, A>] extends [never, never] ? true : never
export const _namesMatch: SameKeys<RequestName, (typeof import('./request-names').requestNames)[number]> =
  true
export const _eventsMatch: SameKeys<EventName, (typeof import('./request-names').eventNames)[number]> = true

/** What every request resolves to on the wire: errors travel as data, never as thrown stacks. */
export type WireResult<T> =
  { ok: true; value: T } | { ok: false; error: { code: string; message: string; detail?: string } }

/** Per call, beside the argument: a caller-chosen id makes the request cancellable with cancelRequest. */
export interface RequestOptions {
  requestId?: string
}

/** The API the renderer sees as `window.maasImages`, whatever the transport. */
export type Bridge = {
  [K in RequestName]: RequestInput<K> extends undefined
    ? (arg?: undefined, options?: RequestOptions) => Promise<RequestOutput<K>>
    : (arg: RequestInput<K>, options?: RequestOptions) => Promise<RequestOutput<K>>
} & {
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void
}

/** What every handler gets beside its argument. */
export interface RequestContext {
  /** aborted when the caller cancels this request (cancelRequest, the CLI's Ctrl-C) */
  signal: AbortSignal
  /** aborts another request of the same caller by its request id (how cancelRequest is served) */
  cancel(requestId: string): boolean
}

/**
 * What main implements for the contract: one async handler per request (the request map). Not to be
 * confused with the service classes in src/main/services/ that the handlers call.
 */
export type RequestHandlers = {
  [K in RequestName]: (
    arg: z.output<(typeof requests)[K]['input']>,
    /** always given by handleRequest; absent only when a test calls a handler directly */
    ctx?: RequestContext
  ) => Promise<RequestOutput<K>>
}
