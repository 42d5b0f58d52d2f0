/**
 * The one message contract between the process that owns the window (the host) and the execution context
 * that runs an import (the worker): a utility process in the app, a worker thread elsewhere. Both sides
 * validate what they receive with these schemas; nothing else crosses. Bounds keep validation of a hostile
 * or broken message cheap: no field may be unbounded.
 *
 *   host -> worker   run (one import, with its options), stop, shutdown (close files, then exit)
 *   worker -> host   progress, resources-changed, finished (the ImportResult), log, closed
 */
import { z } from 'zod'
import { settingsSchema } from '@shared/schemas'
import type { ImportProgress, ImportResult } from '@shared/types'
import { SERIALISABLE_TUNING } from './import-executor'

const MAX_TEXT = 64 * 1024
const text = (max = MAX_TEXT) => z.string().max(max)
const bytes = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)
const runId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER)
const isoTime = z.string().max(64)
const names = z.array(text(200)).max(200)

const bootSourceSchema = z
  .object({
    id: z.number().int().positive(),
    url: text(4096),
    keyring_filename: text(4096),
    keyring_data: text(16 * 1024 * 1024),
    created: isoTime,
    updated: isoTime
  })
  .strict()

const selectionSchema = z
  .object({
    id: z.number().int().positive(),
    boot_source_id: z.number().int().positive(),
    os: text(200),
    release: text(200),
    arches: names,
    subarches: names,
    labels: names
  })
  .strict()

const tuningSchema = z
  .object(
    Object.fromEntries(
      SERIALISABLE_TUNING.map((k) => [
        k,
        z
          .number()
          .int()
          .positive()
          .max(2 ** 40)
      ])
    ) as Record<(typeof SERIALISABLE_TUNING)[number], z.ZodNumber>
  )
  .partial()
  .strict()

export const runOptionsSchema = z
  .object({
    dataDir: text(4096).min(1),
    sources: z
      .array(z.object({ source: bootSourceSchema, selections: z.array(selectionSchema).max(1000) }).strict())
      .max(100),
    settings: settingsSchema,
    freeSpaceMarginBytes: bytes,
    tuning: tuningSchema.optional()
  })
  .strict()

const progressSchema = z
  .object({
    importing: z.boolean(),
    phase: z.enum(['idle', 'metadata', 'planning', 'downloading', 'finishing']),
    bytes_done: bytes,
    bytes_total: bytes,
    rate: z.number().min(0).max(Number.MAX_SAFE_INTEGER),
    eta: z.number().min(0).max(Number.MAX_SAFE_INTEGER).nullable(),
    files_done: bytes,
    files_total: bytes,
    resources: z
      .array(
        z
          .object({
            id: z.number().int().positive(),
            name: text(400),
            architecture: text(400),
            percent: z.number().min(0).max(100),
            status: text(MAX_TEXT)
          })
          .strict()
      )
      .max(100_000),
    active_files: z
      .array(z.object({ label: text(1000), sha256: text(64), bytes_done: bytes, size: bytes }).strict())
      .max(16)
      .optional()
  })
  .strict() satisfies z.ZodType<ImportProgress>

const resultSchema = z
  .object({
    ok: z.boolean(),
    started_at: isoTime,
    finished_at: isoTime,
    downloaded_bytes: bytes,
    failures: z
      .array(
        z
          .object({
            resource: text().optional(),
            file: text().optional(),
            code: z.string().max(64),
            message: text()
          })
          .strict()
      )
      .max(100_000),
    notes: z.array(text()).max(10_000),
    stopped: z.boolean()
  })
  .strict() satisfies z.ZodType<ImportResult>

const hostRequestSchemas = {
  run: z.object({ type: z.literal('run'), run: runId, options: runOptionsSchema }).strict(),
  stop: z.object({ type: z.literal('stop'), run: runId }).strict(),
  shutdown: z.object({ type: z.literal('shutdown') }).strict()
}

const workerEventSchemas = {
  progress: z.object({ type: z.literal('progress'), run: runId, progress: progressSchema }).strict(),
  'resources-changed': z.object({ type: z.literal('resources-changed'), run: runId }).strict(),
  finished: z.object({ type: z.literal('finished'), run: runId, result: resultSchema }).strict(),
  log: z.object({ type: z.literal('log'), level: z.enum(['warn', 'error']), message: text() }).strict(),
  closed: z.object({ type: z.literal('closed') }).strict()
}

type Outputs<T extends Record<string, z.ZodType>> = { [K in keyof T]: z.output<T[K]> }[keyof T]
export type HostRequest = Outputs<typeof hostRequestSchemas>
export type WorkerEvent = Outputs<typeof workerEventSchemas>

export type Parsed<T> = { ok: true; message: T } | { ok: false; error: string }

/** A message from the host, as the worker accepts it; a refusal names the message and what is wrong. */
export function parseHostRequest(raw: unknown): Parsed<HostRequest> {
  return parseBy(hostRequestSchemas, raw, 'request')
}

/** A message from the worker, as the host accepts it; a refusal names the message and what is wrong. */
export function parseWorkerEvent(raw: unknown): Parsed<WorkerEvent> {
  return parseBy(workerEventSchemas, raw, 'event')
}

function parseBy<T extends Record<string, z.ZodType>>(
  schemas: T,
  raw: unknown,
  kind: string
): Parsed<Outputs<T>> {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    return { ok: false, error: `a ${kind} that is not an object` }
  const type = (raw as { type?: unknown }).type
  if (typeof type !== 'string' || !Object.hasOwn(schemas, type)) {
    const shown = typeof type === 'string' ? `'${type.slice(0, 60)}'` : `of type ${typeof type}`
    return { ok: false, error: `an unknown ${kind} ${shown} (known: ${Object.keys(schemas).join(', ')})` }
  }
  const parsed = schemas[type].safeParse(raw)
  if (parsed.success) return { ok: true, message: parsed.data as Outputs<T> }
  const issues = parsed.error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') : '(message)'}: ${i.message}`)
    .join('; ')
  return { ok: false, error: `an invalid '${type}' ${kind}: ${issues}` }
}
