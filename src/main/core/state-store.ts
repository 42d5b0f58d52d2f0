/**
 * Boot sources and selections, persisted as one JSON file in the data directory. Every change is a
 * locked read-modify-write, so the desktop app and the CLI can both change state and each sees the
 * other's changes on its next read.
 */
import { z } from 'zod'
import { bootSourceSchema, bootSourceSelectionSchema } from '@shared/entity-schemas'
import type { BootSource, BootSourceSelection } from '@shared/types'
import { dataLayout } from './data-layout'
import { JsonDocument } from './json-document'

const stateSchema = z.object({
  version: z.literal(1),
  /** set once the first-run defaults were created: deleting them never brings them back */
  initialized: z.boolean(),
  next_ids: z.object({ source: z.number(), selection: z.number() }),
  sources: z.array(bootSourceSchema),
  selections: z.array(bootSourceSelectionSchema)
})
export type State = z.infer<typeof stateSchema>

export const emptyState = (): State => ({
  version: 1,
  initialized: false,
  next_ids: { source: 1, selection: 1 },
  sources: [],
  selections: []
})

export class StateStore {
  readonly file: string
  private readonly doc: JsonDocument<State>

  constructor(readonly dataDir: string) {
    const layout = dataLayout(dataDir)
    this.file = layout.state
    this.doc = new JsonDocument({
      path: layout.state,
      lockPath: layout.stateLock,
      schema: stateSchema,
      empty: emptyState,
      what: 'boot sources and selections'
    })
  }

  /** The state; AppError('damaged_file') naming state.json when it is not what this version wrote. */
  async read(): Promise<State> {
    return this.doc.read()
  }

  /** Runs `change` on the current state under the lock and saves the state as it left it. */
  async update<T>(change: (state: State) => T | Promise<T>): Promise<T> {
    return this.doc.update(change)
  }

  async sources(): Promise<BootSource[]> {
    return (await this.read()).sources
  }

  async selections(sourceId?: number): Promise<BootSourceSelection[]> {
    const all = (await this.read()).selections
    return sourceId === undefined ? all : all.filter((s) => s.boot_source_id === sourceId)
  }
}
