/**
 * Boot sources and selections in MAAS's model: CRUD with MAAS's rules.
 * - a source URL is unique; exactly one of keyring_filename / keyring_data is set;
 * - a new or changed URL/keyring is saved only after the stream fetched and verified ("Connect"),
 *   so a failed connect leaves the old source working;
 * - deleting a source deletes its selections; `(source, os, release)` is unique.
 */
import type { z } from 'zod'
import { AppError } from '@shared/errors'
import { compactKeyringData, isBase64KeyringData } from '@shared/keyring-data'
import { randomUUID } from 'node:crypto'
import type { BootSource, BootSourceSelection, Catalogue } from '@shared/types'
import type { ConnectedSourceSaved, SelectionChangesApplied, SourceConnection } from '@shared/ipc-contract'
import type {
  connectSourceSchema,
  createSourceSchema,
  saveConnectedSourceSchema,
  updateSourceSchema
} from '@shared/schemas'
import type { StateStore } from '../core/state-store'
import {
  addSelection,
  applySelectionChanges,
  changeSelection,
  removeSelection,
  type CreateSelection,
  type SelectionChanges,
  type UpdateSelection
} from './selection-edits'
import { normaliseSourceUrl } from './boot-source-url'

export interface KeyringRef {
  keyring_filename: string
  keyring_data: string
}

/** What Connect verified, held in memory until the source is saved. */
export interface ConnectedStream {
  /** Writes the verified documents into the saved source's metadata cache. */
  keep(sourceId: number): Promise<void>
  /** what the stream offers, shown for picking before anything is saved */
  offers?: Pick<Catalogue, 'verified' | 'signatures' | 'entries'>
}

/** A Connect held until "Update selection" saves it: the source it checked and what it verified. */
interface PendingConnection {
  sourceId: number | null
  url: string
  keyring: KeyringRef
  connected: ConnectedStream | undefined
}

/**
 * How many Connects are held: each holds its verified documents in memory, and only the last one of a window
 * is ever saved. Two cover a second window (or the CLI) connecting meanwhile.
 */
const HELD_CONNECTIONS = 2

/**
 * Fetches and verifies a stream; throws an AppError naming the cause when it can't (or was aborted). What it
 * verified may be kept for the source once saved (undefined: nothing to keep).
 */
export type ConnectFn = (
  url: string,
  keyring: KeyringRef,
  signal?: AbortSignal
) => Promise<ConnectedStream | undefined>

export interface SourcesServiceDeps {
  store: StateStore
  connect: ConnectFn
  defaultKeyring: () => string
  now?: () => Date
}

/** The keyring an input names, else the fallback's; only the two keyring fields, never more of it. */
function pickKeyring(
  input: { keyring_filename?: string; keyring_data?: string },
  fallback: KeyringRef
): KeyringRef {
  const file = input.keyring_filename?.trim() ?? ''
  const data = input.keyring_data?.trim() ?? ''
  if (file && data) throw new AppError('invalid_argument', 'give keyring_filename or keyring_data, not both')
  if (file) return { keyring_filename: file, keyring_data: '' }
  if (data) {
    if (!isBase64KeyringData(data)) throw new AppError('invalid_argument', 'keyring_data must be base64')
    return { keyring_filename: '', keyring_data: compactKeyringData(data) }
  }
  // A copy of exactly the keyring fields: callers spread this over a source, and a whole source here
  // once carried its old url over the new one.
  return { keyring_filename: fallback.keyring_filename, keyring_data: fallback.keyring_data }
}

/**
 * Saves what Connect verified into the new source's metadata cache. The source is saved already: a cache that
 * cannot be written (a full disk, newer copies there) only means the catalogue fetches the stream itself.
 */
async function keepVerified(connected: ConnectedStream | undefined, sourceId: number): Promise<void> {
  try {
    await connected?.keep(sourceId)
  } catch (err) {
    if (!(err instanceof AppError)) throw err
  }
}

export class SourcesService {
  /** Connects not saved yet, oldest first (see HELD_CONNECTIONS) */
  private readonly connections = new Map<string, PendingConnection>()

  constructor(private readonly deps: SourcesServiceDeps) {}

  private stamp(): string {
    return (this.deps.now?.() ?? new Date()).toISOString()
  }

  async list(): Promise<BootSource[]> {
    return this.deps.store.sources()
  }

  async get(id: number): Promise<BootSource> {
    const found = (await this.deps.store.sources()).find((s) => s.id === id)
    if (!found) throw new AppError('not_found', `boot source ${id} does not exist`)
    return found
  }

  /** `signal` cancels the connect; a cancelled create saves nothing. */
  async create(input: z.output<typeof createSourceSchema>, signal?: AbortSignal): Promise<BootSource> {
    const url = normaliseSourceUrl(input.url)
    const keyring = pickKeyring(input, { keyring_filename: this.deps.defaultKeyring(), keyring_data: '' })
    await this.assertUrlFree(url)
    const connected = await this.connect(url, keyring, signal)
    signal?.throwIfAborted()
    const created = await this.deps.store.update((state) => {
      if (state.sources.some((s) => s.url === url)) throw duplicateUrl(url)
      const stamp = this.stamp()
      const source: BootSource = {
        id: state.next_ids.source++,
        url,
        ...keyring,
        created: stamp,
        updated: stamp
      }
      state.sources.push(source)
      return source
    })
    await keepVerified(connected, created.id)
    return created
  }

  /** `signal` cancels the connect; a cancelled update changes nothing. */
  async update(input: z.output<typeof updateSourceSchema>, signal?: AbortSignal): Promise<BootSource> {
    const current = await this.get(input.id)
    const url = input.url !== undefined ? normaliseSourceUrl(input.url) : current.url
    const keyring = pickKeyring(input, current)
    const changed =
      url !== current.url ||
      keyring.keyring_filename !== current.keyring_filename ||
      keyring.keyring_data !== current.keyring_data
    if (!changed) return current
    if (url !== current.url) await this.assertUrlFree(url, current.id)
    const connected = await this.connect(url, keyring, signal)
    signal?.throwIfAborted()
    const updated = await this.deps.store.update((state) => {
      const source = state.sources.find((s) => s.id === input.id)
      if (!source) throw new AppError('not_found', `boot source ${input.id} does not exist`)
      if (state.sources.some((s) => s.url === url && s.id !== input.id)) throw duplicateUrl(url)
      Object.assign(source, { url, ...keyring, updated: this.stamp() })
      return source
    })
    await keepVerified(connected, updated.id)
    return updated
  }

  /**
   * Change source's Connect, as in MAAS: fetches and verifies the stream and says what it offers, and saves
   * nothing; the source stays as it was until saveConnected. A failed or cancelled Connect holds nothing.
   */
  async connectOnly(
    input: z.output<typeof connectSourceSchema>,
    signal?: AbortSignal
  ): Promise<SourceConnection> {
    const current = input.id !== undefined ? await this.get(input.id) : null
    const url = normaliseSourceUrl(input.url)
    const fallback = current ?? { keyring_filename: this.deps.defaultKeyring(), keyring_data: '' }
    const keyring = pickKeyring(input, fallback)
    await this.assertUrlFree(url, current?.id)
    const connected = await this.connect(url, keyring, signal)
    signal?.throwIfAborted()
    const connectionId = randomUUID()
    this.connections.set(connectionId, { sourceId: current?.id ?? null, url, keyring, connected })
    for (const oldest of this.connections.keys()) {
      if (this.connections.size <= HELD_CONNECTIONS) break
      this.connections.delete(oldest)
    }
    const changed =
      !current ||
      url !== current.url ||
      keyring.keyring_filename !== current.keyring_filename ||
      keyring.keyring_data !== current.keyring_data
    return {
      connection_id: connectionId,
      source_id: current?.id ?? null,
      url,
      ...keyring,
      changed,
      catalogue: {
        source_id: current?.id ?? 0,
        url,
        verified: connected?.offers?.verified ?? false,
        signatures: connected?.offers?.signatures ?? [],
        fetched_at: this.stamp(),
        entries: connected?.offers?.entries ?? []
      }
    }
  }

  /**
   * Change source's "Update selection": saves the source a Connect verified and the selection change of that
   * source in one locked write, all or nothing (a refused selection leaves the source as it was too).
   */
  async saveConnected(input: z.output<typeof saveConnectedSourceSchema>): Promise<ConnectedSourceSaved> {
    const pending = this.connections.get(input.connection_id)
    if (!pending)
      throw new AppError(
        'not_found',
        'this Connect is no longer held (the app restarted, or another Connect replaced it): press Connect again'
      )
    const { url, keyring } = pending
    const saved = await this.deps.store.update((state) => {
      if (state.sources.some((s) => s.url === url && s.id !== pending.sourceId)) throw duplicateUrl(url)
      let source: BootSource
      if (pending.sourceId === null) {
        const stamp = this.stamp()
        source = { id: state.next_ids.source++, url, ...keyring, created: stamp, updated: stamp }
        state.sources.push(source)
      } else {
        const found = state.sources.find((s) => s.id === pending.sourceId)
        if (!found) throw new AppError('not_found', `boot source ${pending.sourceId} does not exist`)
        const changed =
          url !== found.url ||
          keyring.keyring_filename !== found.keyring_filename ||
          keyring.keyring_data !== found.keyring_data
        if (changed) Object.assign(found, { url, ...keyring, updated: this.stamp() })
        source = found
      }
      const applied = applySelectionChanges(state, {
        boot_source_id: source.id,
        create: input.create,
        update: input.update,
        delete: input.delete
      })
      return { source: { ...source }, applied }
    })
    this.connections.delete(input.connection_id)
    await keepVerified(pending.connected, saved.source.id)
    return saved
  }

  /** Connect, with the caller's signal only when there is one. */
  private connect(
    url: string,
    keyring: KeyringRef,
    signal: AbortSignal | undefined
  ): Promise<ConnectedStream | undefined> {
    return signal ? this.deps.connect(url, keyring, signal) : this.deps.connect(url, keyring)
  }

  async delete(id: number): Promise<void> {
    await this.deps.store.update((state) => {
      if (!state.sources.some((s) => s.id === id))
        throw new AppError('not_found', `boot source ${id} does not exist`)
      state.sources = state.sources.filter((s) => s.id !== id)
      state.selections = state.selections.filter((s) => s.boot_source_id !== id)
    })
  }

  private async assertUrlFree(url: string, exceptId?: number): Promise<void> {
    if ((await this.deps.store.sources()).some((s) => s.url === url && s.id !== exceptId))
      throw duplicateUrl(url)
  }

  async listSelections(sourceId: number): Promise<BootSourceSelection[]> {
    await this.get(sourceId)
    return this.deps.store.selections(sourceId)
  }

  async getSelection(sourceId: number, id: number): Promise<BootSourceSelection> {
    const found = (await this.listSelections(sourceId)).find((s) => s.id === id)
    if (!found)
      throw new AppError('not_found', `boot source selection ${id} does not exist in boot source ${sourceId}`)
    return found
  }

  async createSelection(input: CreateSelection): Promise<BootSourceSelection> {
    return this.deps.store.update((state) => addSelection(state, input))
  }

  async updateSelection(input: UpdateSelection): Promise<BootSourceSelection> {
    return this.deps.store.update((state) => changeSelection(state, input))
  }

  async deleteSelection(sourceId: number, id: number): Promise<void> {
    await this.deps.store.update((state) => removeSelection(state, sourceId, id))
  }

  /**
   * A whole selection change of one source in one locked read-modify-write: a refusal of any part (a
   * selection gone, a name taken) throws before the state is saved, so the stored selections stay as
   * they were, and no other writer (the CLI) sees or interleaves with half of it.
   */
  async applySelectionChanges(changes: SelectionChanges): Promise<SelectionChangesApplied> {
    return this.deps.store.update((state) => applySelectionChanges(state, changes))
  }

  /** Every source with its selections: what an import works from. */
  async sourcesWithSelections(): Promise<Array<{ source: BootSource; selections: BootSourceSelection[] }>> {
    const state = await this.deps.store.read()
    return state.sources.map((source) => ({
      source,
      selections: state.selections.filter((s) => s.boot_source_id === source.id)
    }))
  }
}

function duplicateUrl(url: string): AppError {
  return new AppError('conflict', `a boot source with url ${url} already exists`)
}
