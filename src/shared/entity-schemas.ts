/**
 * The entities main keeps and sends, each defined once as a zod schema; `types.ts` derives their types
 * with `z.infer`. The same schema checks state.json and the import's files in the data directory, and both
 * sides of the import worker's message contract. Bounds on every field keep validating a hostile or
 * broken document cheap.
 */
import { z } from 'zod'
import { KEYRING_MAX_BYTES } from './keyring-data'

const MAX_TEXT = 64 * 1024
export const boundedText = (max = MAX_TEXT) => z.string().max(max)
export const byteCount = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)
const entityId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER)
const isoTime = z.string().max(64)
const names = z.array(boundedText(200)).max(200)

/** MAAS `boot-sources read` shape. Exactly one of keyring_filename / keyring_data is non-empty. */
export const bootSourceSchema = z
  .object({
    id: entityId,
    url: boundedText(4096),
    keyring_filename: boundedText(4096),
    /** base64 of a binary or armored OpenPGP keyring */
    keyring_data: boundedText(KEYRING_MAX_BYTES),
    created: isoTime,
    updated: isoTime
  })
  .strict()

/** MAAS `boot-source-selections read` shape. `*` in a list means all. */
export const bootSourceSelectionSchema = z
  .object({
    id: entityId,
    boot_source_id: entityId,
    os: boundedText(200),
    release: boundedText(200),
    arches: names,
    subarches: names,
    labels: names
  })
  .strict()

/** An import's progress: what the worker reports, the snapshot other processes read, what the UI shows. */
export const importProgressSchema = z
  .object({
    importing: z.boolean(),
    phase: z.enum(['idle', 'metadata', 'planning', 'downloading', 'finishing']),
    bytes_done: byteCount,
    bytes_total: byteCount,
    /** bytes per second, smoothed */
    rate: z.number().min(0).max(Number.MAX_SAFE_INTEGER),
    /** seconds, null when unknown */
    eta: z.number().min(0).max(Number.MAX_SAFE_INTEGER).nullable(),
    files_done: byteCount,
    files_total: byteCount,
    resources: z
      .array(
        z
          .object({
            id: entityId,
            name: boundedText(400),
            architecture: boundedText(400),
            percent: z.number().min(0).max(100),
            status: boundedText()
          })
          .strict()
      )
      .max(100_000),
    /** files being downloaded right now ("<product> <item>"), at most 16; absent when none */
    active_files: z
      .array(
        z
          .object({
            label: boundedText(1000),
            sha256: boundedText(64),
            bytes_done: byteCount,
            size: byteCount
          })
          .strict()
      )
      .max(16)
      .optional()
  })
  .strict()

/** How an import ended: the worker's `finished` event, last-import.json, `import` in the CLI. */
export const importResultSchema = z
  .object({
    ok: z.boolean(),
    started_at: isoTime,
    finished_at: isoTime,
    downloaded_bytes: byteCount,
    /** one line per failed resource or file, naming it and the cause */
    failures: z
      .array(
        z
          .object({
            resource: boundedText().optional(),
            file: boundedText().optional(),
            code: z.string().max(64),
            message: boundedText()
          })
          .strict()
      )
      .max(100_000),
    notes: z.array(boundedText()).max(10_000),
    stopped: z.boolean()
  })
  .strict()
