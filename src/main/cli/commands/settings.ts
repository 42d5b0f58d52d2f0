/**
 * Settings from the CLI. `maas get-config` / `maas set-config` take MAAS's config names (maas-config.ts) so
 * scripts that tune a region (`maas $PROFILE maas set-config name=boot_images_auto_import
 * value=false`) carry over; `settings read|update` use this app's own field names. Both are generated
 * from the settings table (src/shared/settings-table.ts): each entry's `cli` and `maasName`.
 */
import type { z } from 'zod'
import {
  SETTING_KEYS,
  mergePatches,
  settingEntry,
  settingPatch,
  type SettingKey,
  type SettingKind
} from '@shared/settings-table'
import { settingsPatchSchema } from '@shared/schemas'
import { validate } from '@shared/validate'
import type { CliCommand, CliInput } from '../command'
import { UsageError, param, rejectUnknownParams } from '../command'
import { MAAS_CONFIG, maasConfigEntry } from '../maas-config'

function configName(input: CliInput): string {
  const name = param(input, 'name')
  if (!name) throw new UsageError('name= is required')
  return name
}

type Patch = z.input<typeof settingsPatchSchema>

/** How a value of each kind of setting is written on the command line. */
const CLI_VALUE: Record<SettingKind, { shown: string; parse(v: string): unknown }> = {
  boolean: { shown: 'BOOL', parse: parseBool },
  integer: { shown: 'N', parse: parseNumber },
  codename: { shown: 'RELEASE', parse: (v) => v },
  proxy_url: { shown: 'URL', parse: (v) => v },
  host_list: { shown: 'LIST', parse: (v) => v }
}

const FIELDS = SETTING_KEYS.map((key) => settingEntry(key).cli)

function parseBool(v: string): boolean {
  if (/^(true|yes|on|1)$/i.test(v)) return true
  if (/^(false|no|off|0)$/i.test(v)) return false
  throw new UsageError(`expected true or false, not ${v}`)
}

function parseNumber(v: string): number {
  if (!/^\d+$/.test(v)) throw new UsageError(`expected a whole number, not ${v}`)
  return Number(v)
}

/** The patch that gives each of `keys` the value `v` as written on the command line. */
function patchOf(keys: readonly SettingKey[], v: string): Patch {
  return keys
    .map((key) => settingPatch(key, CLI_VALUE[settingEntry(key).kind].parse(v)) as Patch)
    .reduce(mergePatches, {})
}

function patchFrom(input: CliInput): Patch {
  rejectUnknownParams(input, FIELDS)
  let patch: Patch = {}
  for (const key of SETTING_KEYS) {
    const v = param(input, settingEntry(key).cli)
    if (v !== undefined) patch = mergePatches(patch, patchOf([key], v))
  }
  return patch
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
    params: SETTING_KEYS.map((key) => {
      const e = settingEntry(key)
      return `[${e.cli}=${CLI_VALUE[e.kind].shown}]`
    }).join(' '),
    summary: 'Change settings; prints the result.',
    run: async (ctx, input) =>
      ctx.request('updateSettings', validate(settingsPatchSchema, patchFrom(input), 'settings'))
  },
  {
    group: 'maas',
    verb: 'get-config',
    args: [],
    params: 'name=NAME',
    summary: `Read a setting by its MAAS config name (${Object.keys(MAAS_CONFIG).join(', ')}), as JSON like MAAS.`,
    run: async (ctx, input) => {
      rejectUnknownParams(input, ['name'])
      const entry = maasConfigEntry(configName(input))
      return JSON.stringify(await entry.get(await ctx.request('getSettings', undefined), ctx))
    }
  },
  {
    group: 'maas',
    verb: 'set-config',
    args: [],
    params: 'name=NAME value=VALUE',
    summary: 'Change a setting by its MAAS config name, checked as MAAS checks it; prints OK.',
    run: async (ctx, input) => {
      rejectUnknownParams(input, ['name', 'value'])
      const entry = maasConfigEntry(configName(input))
      const value = param(input, 'value')
      if (value === undefined) throw new UsageError('value= is required')
      const patch = await entry.set(value, await ctx.request('getSettings', undefined), ctx)
      await ctx.request('updateSettings', validate(settingsPatchSchema, patch, 'settings'))
      return 'OK'
    }
  }
]
