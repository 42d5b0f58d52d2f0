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
import {
  boundedText,
  bootSourceSchema,
  bootSourceSelectionSchema,
  byteCount,
  importProgressSchema,
  importResultSchema
} from '@shared/entity-schemas'
import { SERIALISABLE_TUNING } from './import-executor'

const runId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER)

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
    dataDir: boundedText(4096).min(1),
    sources: z
      .array(
        z
          .object({ source: bootSourceSchema, selections: z.array(bootSourceSelectionSchema).max(1000) })
          .strict()
      )
      .max(100),
    settings: settingsSchema,
    freeSpaceMarginBytes: byteCount,
    tuning: tuningSchema.optional()
  })
  .strict()

const hostRequestSchemas = {
  run: z.object({ type: z.literal('run'), run: runId, options: runOptionsSchema }).strict(),
  stop: z.object({ type: z.literal('stop'), run: runId }).strict(),
  shutdown: z.object({ type: z.literal('shutdown') }).strict()
}

const workerEventSchemas = {
  progress: z.object({ type: z.literal('progress'), run: runId, progress: importProgressSchema }).strict(),
  'resources-changed': z.object({ type: z.literal('resources-changed'), run: runId }).strict(),
  finished: z.object({ type: z.literal('finished'), run: runId, result: importResultSchema }).strict(),
  log: z
    .object({ type: z.literal('log'), level: z.enum(['warn', 'error']), message: boundedText() })
    .strict(),
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
