/**
 * Settings from the CLI. `maas get-config` / `maas set-config` take MAAS's config names so
 * scripts that tune a region (`maas $PROFILE maas set-config name=boot_images_auto_import
 * value=false`) carry over; `settings read|update` use this app's own field names.
 */
import type { z } from 'zod'
import type { Settings } from '@shared/types'
import { settingsPatchSchema } from '@shared/schemas'
import { validate } from '@shared/validate'
import type { CliCommand, CliInput } from '../command'
import { UsageError, param, rejectUnknownParams } from '../command'

type Patch = z.input<typeof settingsPatchSchema>

/** MAAS config name -> how to read it from and write it to our settings. */
const MAAS_CONFIG: Record<string, { get(s: Settings): unknown; set(value: string): Patch }> = {
  boot_images_auto_import: { get: (s) => s.auto_sync, set: (v) => ({ auto_sync: parseBool(v) }) },
  boot_images_import_interval: {
    get: (s) => s.sync_interval_minutes,
    set: (v) => ({ sync_interval_minutes: parseNumber(v) })
  },
  http_proxy: { get: (s) => s.proxy.http_proxy, set: (v) => ({ proxy: { http_proxy: v, https_proxy: v } }) },
  boot_images_no_proxy: { get: (s) => s.proxy.no_proxy, set: (v) => ({ proxy: { no_proxy: v } }) },
  commissioning_distro_series: {
    get: (s) => s.commissioning_distro_series,
    set: (v) => ({ commissioning_distro_series: v })
  }
}

const FIELDS = [
  'auto_sync',
  'sync_interval_minutes',
  'connections',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'commissioning_distro_series'
] as const

function parseBool(v: string): boolean {
  if (/^(true|yes|on|1)$/i.test(v)) return true
  if (/^(false|no|off|0)$/i.test(v)) return false
  throw new UsageError(`expected true or false, not ${v}`)
}

function parseNumber(v: string): number {
  if (!/^\d+$/.test(v)) throw new UsageError(`expected a whole number, not ${v}`)
  return Number(v)
}

function patchFrom(input: CliInput): Patch {
  rejectUnknownParams(input, FIELDS)
  const patch: Patch = {}
  const proxy: NonNullable<Patch['proxy']> = {}
  for (const key of FIELDS) {
    const v = param(input, key)
    if (v === undefined) continue
    if (key === 'auto_sync') patch.auto_sync = parseBool(v)
    else if (key === 'sync_interval_minutes' || key === 'connections') patch[key] = parseNumber(v)
    else if (key === 'commissioning_distro_series') patch[key] = v
    else proxy[key] = v
  }
  if (Object.keys(proxy).length) patch.proxy = proxy
  return patch
}

function configName(input: CliInput): string {
  const name = param(input, 'name')
  if (!name) throw new UsageError('name= is required')
  if (!MAAS_CONFIG[name])
    throw new UsageError(`unknown config name ${name} (known: ${Object.keys(MAAS_CONFIG).join(', ')})`)
  return name
}

export const settingsCommands: CliCommand[] = [
  {
    group: 'settings',
    verb: 'read',
    args: [],
    summary: 'Show the settings (sync, connections, proxy).',
    run: async (ctx, input) => {
      rejectUnknownParams(input, [])
      return ctx.request('getSettings', undefined)
    }
  },
  {
    group: 'settings',
    verb: 'update',
    args: [],
    params:
      '[auto_sync=BOOL] [sync_interval_minutes=N] [connections=N] [http_proxy=URL] [https_proxy=URL] [no_proxy=LIST]',
    summary: 'Change settings; prints the result.',
    run: async (ctx, input) =>
      ctx.request('updateSettings', validate(settingsPatchSchema, patchFrom(input), 'settings'))
  },
  {
    group: 'maas',
    verb: 'get-config',
    args: [],
    params: 'name=NAME',
    summary: `Read a setting by its MAAS config name (${Object.keys(MAAS_CONFIG).join(', ')}).`,
    run: async (ctx, input) => {
      rejectUnknownParams(input, ['name'])
      const name = configName(input)
      return MAAS_CONFIG[name].get(await ctx.request('getSettings', undefined))
    }
  },
  {
    group: 'maas',
    verb: 'set-config',
    args: [],
    params: 'name=NAME value=VALUE',
    summary: 'Change a setting by its MAAS config name.',
    run: async (ctx, input) => {
      rejectUnknownParams(input, ['name', 'value'])
      const name = configName(input)
      const value = param(input, 'value')
      if (value === undefined) throw new UsageError('value= is required')
      await ctx.request(
        'updateSettings',
        validate(settingsPatchSchema, MAAS_CONFIG[name].set(value), 'settings')
      )
    }
  }
]
