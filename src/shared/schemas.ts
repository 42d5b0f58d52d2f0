/**
 * zod schemas for everything that enters main from outside: IPC/WebSocket arguments (the renderer is
 * untrusted), CLI key=value input and the settings file. One schema per shape, shared by all three.
 */
import { z } from 'zod'
import { proxyUrlError } from './proxy-url'
import { UNC_REFUSED, isUncPath } from './unc-path'
import { KEYRING_MAX_BYTES } from './keyring-data'
import { SELECTION_NAME, SELECTION_NAME_RULE } from './selection-rules'
import { RELEASE_CODENAME } from './settings-rules'
import {
  PROXY_GROUP_KEYS,
  SETTINGS,
  TOP_LEVEL_KEYS,
  settingEntry,
  type SettingEntry,
  type SettingKey,
  type SettingKind
} from './settings-table'

export const idSchema = z.number().int().positive()

/** A caller-chosen id for a cancellable request (a UUID in practice): short, printable, no separators. */
export const requestIdSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9_-]+$/, 'a request id is letters, digits, _ and - only')

/** A boot source URL: http(s), file:// or an absolute local path (a mounted USB stick). */
export const sourceUrlSchema = z
  .string()
  .trim()
  .min(1, 'url is required')
  .max(4096)
  .refine((v) => !v.includes('\0'), 'url must not contain NUL')
  .refine((v) => !isUncPath(v), UNC_REFUSED)

export const keyringFields = {
  keyring_filename: z
    .string()
    .max(4096)
    .refine((v) => !isUncPath(v), UNC_REFUSED)
    .optional(),
  keyring_data: z.string().max(KEYRING_MAX_BYTES).optional()
}

export const createSourceSchema = z.object({ url: sourceUrlSchema, ...keyringFields }).strict()
export const updateSourceSchema = z
  .object({ id: idSchema, url: sourceUrlSchema.optional(), ...keyringFields })
  .strict()

const nameSchema = z.string().trim().min(1).max(200).regex(SELECTION_NAME, SELECTION_NAME_RULE)

const nameList = z.array(nameSchema).min(1).max(200)

export const selectionFieldsSchema = z.object({
  os: nameSchema,
  release: nameSchema,
  arches: nameList,
  subarches: nameList,
  labels: nameList
})

export const createSelectionSchema = selectionFieldsSchema
  .extend({ boot_source_id: idSchema })
  .partial({ subarches: true, labels: true })
  .strict()

export const updateSelectionSchema = selectionFieldsSchema
  .partial()
  .extend({ boot_source_id: idSchema, id: idSchema })
  .strict()

export const selectionRefSchema = z.object({ boot_source_id: idSchema, id: idSchema }).strict()

/** Most changes one applySelectionChanges carries: far more releases than any stream offers. */
const MAX_SELECTION_CHANGES = 1000

/**
 * One boot source's whole selection change (the Images page's "Save and sync"): main applies every
 * delete, update and create at once, under one lock, or none of them.
 */
export const selectionChangesSchema = z
  .object({
    boot_source_id: idSchema,
    create: z
      .array(selectionFieldsSchema.partial({ subarches: true, labels: true }).strict())
      .max(MAX_SELECTION_CHANGES)
      .default([]),
    update: z
      .array(selectionFieldsSchema.partial().extend({ id: idSchema }).strict())
      .max(MAX_SELECTION_CHANGES)
      .default([]),
    delete: z.array(idSchema).max(MAX_SELECTION_CHANGES).default([])
  })
  .strict()

/**
 * Change source's Connect: fetch and verify a stream for source `id` (absent: a new source), saving nothing.
 */
export const connectSourceSchema = z
  .object({ id: idSchema.optional(), url: sourceUrlSchema, ...keyringFields })
  .strict()

/**
 * Change source's "Update selection": the source a Connect verified and its selection change, saved together.
 */
export const saveConnectedSourceSchema = selectionChangesSchema
  .omit({ boot_source_id: true })
  .extend({ connection_id: z.string().uuid() })
  .strict()

/** The zod schema of each kind of setting (settings-table.ts), as settings.json may hold it. */
const storedField = {
  boolean: () => z.boolean(),
  integer: (e: SettingEntry & { kind: 'integer' }) => z.number().int().min(e.bounds.min).max(e.bounds.max),
  codename: () => z.string().trim().max(64).regex(RELEASE_CODENAME, 'a release codename such as noble'),
  proxy_url: () => z.string().max(2048),
  host_list: () => z.string().max(4096)
}

const proxyUrlField = z
  .string()
  .max(2048)
  .superRefine((value, ctx) => {
    const error = proxyUrlError(value)
    if (error) ctx.addIssue({ code: 'custom', message: error })
  })

/** A change from the renderer or the CLI: a proxy must pass the one proxy rule as well. */
const patchField: { [T in SettingKind]: (e: SettingEntry & { kind: T }) => z.ZodType } = {
  ...storedField,
  proxy_url: () => proxyUrlField
}

interface KindSchemas {
  boolean: z.ZodBoolean
  integer: z.ZodNumber
  codename: z.ZodString
  proxy_url: z.ZodString
  host_list: z.ZodString
}
type ShapeOf<K extends SettingKey> = { [P in K]: KindSchemas[(typeof SETTINGS)[P]['kind']] }

/** The zod object shape of some settings, each field made by `field` from its table entry. */
function shapeOf<K extends SettingKey>(
  keys: readonly K[],
  field: { [T in SettingKind]: (e: SettingEntry & { kind: T }) => z.ZodType }
): ShapeOf<K> {
  const make = (e: SettingEntry): z.ZodType => (field[e.kind] as (e: SettingEntry) => z.ZodType)(e)
  return Object.fromEntries(keys.map((k) => [k, make(settingEntry(k))])) as ShapeOf<K>
}

export const proxySchema = z.object(shapeOf(PROXY_GROUP_KEYS, storedField)).strict()

/** The settings, generated from the settings table; the Settings type is derived from this schema. */
export const settingsSchema = z
  .object({ ...shapeOf(TOP_LEVEL_KEYS, storedField), proxy: proxySchema })
  .strict()

/**
 * Which proxy passwords are in the system keyring, by the account each is filed under there; the proxy URL in
 * settings.json then has no password.
 */
export const proxyKeyringSchema = z
  .object({ http_proxy: z.string().uuid().optional(), https_proxy: z.string().uuid().optional() })
  .strict()

/** What settings.json may hold: read leniently, so one bad proxy value does not lose the rest. */
export const storedSettingsPatchSchema = settingsSchema
  .omit({ proxy: true })
  .partial()
  .extend({ proxy: proxySchema.partial().optional(), proxy_keyring: proxyKeyringSchema.optional() })
  .strict()

/** A change of settings from the renderer or the CLI: proxies must pass the one proxy rule. */
export const settingsPatchSchema = settingsSchema
  .omit({ proxy: true })
  .partial()
  .extend({
    proxy: z.object(shapeOf(PROXY_GROUP_KEYS, patchField)).strict().partial().optional()
  })
  .strict()

export const verifySchema = z
  .object({ location: sourceUrlSchema, ...keyringFields, deep: z.boolean().optional() })
  .strict()

export const catalogueRequestSchema = z
  .object({ boot_source_id: idSchema, refresh: z.boolean().optional() })
  .strict()

export const externalUrlSchema = z
  .string()
  .max(2048)
  .url()
  .refine((v) => v.startsWith('https://'), 'only https links are opened')

/** The images to stage, release × architecture as the Images table shows them; absent: all. */
const stagedImagesSchema = z
  .array(z.object({ os: nameSchema, release: nameSchema, arch: nameSchema }).strict())
  .min(1, 'choose at least one image to stage')
  .max(2000)

export const stagingTargetSchema = z
  .object({
    boot_source_id: idSchema,
    target: z.string().min(1).max(4096),
    images: stagedImagesSchema.optional()
  })
  .strict()

/** A foreground staging (the CLI's `stage`), optionally of some images only. */
export const stagingRunSchema = stagingTargetSchema
  .extend({
    filter: z
      .object({ os: nameSchema.optional(), release: nameSchema.optional(), arch: nameSchema.optional() })
      .strict()
      .optional()
  })
  .strict()

/** startServing: exactly one of a boot source or a staged directory; a port; loopback unless told otherwise. */
export const startServingSchema = z
  .object({
    boot_source_id: idSchema.optional(),
    dir: z
      .string()
      .min(1)
      .max(4096)
      .refine((v) => !isUncPath(v), UNC_REFUSED)
      .optional(),
    port: z.number().int().min(0).max(65535).optional(),
    lan: z.boolean().optional(),
    bind: z.union([z.ipv4(), z.ipv6()]).optional()
  })
  .strict()
  .refine((a) => (a.boot_source_id === undefined) !== (a.dir === undefined), {
    message: 'give a boot source or a staged directory to serve, not both'
  })
  .refine((a) => !(a.lan && a.bind), { message: 'give lan or bind, not both' })
