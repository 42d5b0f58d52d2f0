/**
 * MAAS's config names (`maas $PROFILE maas get-config name=…`) for the settings this app has, and how each
 * reads and writes them. A MAAS name for one of the settings is that setting's `maasName` in the settings
 * table (src/shared/settings-table.ts), its checks chosen by the setting's kind; only the MAAS settings with
 * another meaning are written out here. Values are checked as MAAS's settings forms check them
 * (maasserver/forms/settings.py), and read back as MAAS prints them: JSON (`"noble"`, `true`, `null`).
 */
import type { z } from 'zod'
import { AppError } from '@shared/errors'
import type { settingsPatchSchema } from '@shared/schemas'
import { isWithin } from '@shared/settings-rules'
import {
  mergePatches,
  SETTING_KEYS,
  settingEntry,
  settingPatch,
  settingValue,
  type SettingKey
} from '@shared/settings-table'
import { proxyUrlError } from '@shared/proxy-url'
import type { ShownSettings } from '@shared/types'
import type { CliContext } from './command'

type Patch = z.input<typeof settingsPatchSchema>

interface MaasConfig {
  get(s: ShownSettings, ctx: CliContext): Promise<unknown> | unknown
  set(value: string, s: ShownSettings, ctx: CliContext): Promise<Patch> | Patch
}

const invalid = (name: string, message: string): AppError =>
  new AppError('invalid_argument', `${name}: ${message}`)

/**
 * A boolean as Django's BooleanField reads one, except that a word it would take as true by accident
 * (`value=flase`) is refused: a typo must not flip a switch.
 */
function parseBool(name: string, v: string): boolean {
  if (/^(true|yes|on|1)$/i.test(v)) return true
  if (/^(false|no|off|0)$/i.test(v)) return false
  throw invalid(name, `'${v}' is not a boolean: use true or false`)
}

/** The hosts of the boot sources: MAAS's boot_images_no_proxy puts "the image repository" in no_proxy. */
async function sourceHosts(ctx: CliContext): Promise<string[]> {
  const hosts = (await ctx.request('listBootSources', undefined)).map((s) => {
    try {
      return new URL(s.url).hostname
    } catch {
      return ''
    }
  })
  return [...new Set(hosts.filter(Boolean))]
}

const noProxyList = (s: ShownSettings): string[] =>
  s.proxy.no_proxy
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean)

/** The Ubuntu releases the boot sources offer, from each one's cached catalogue (fetched once if none). */
async function offeredReleases(ctx: CliContext): Promise<string[]> {
  const releases = new Set<string>()
  for (const source of await ctx.request('listBootSources', undefined)) {
    const catalogue = await ctx.request('getCatalogue', { boot_source_id: source.id })
    for (const e of catalogue.entries) if (e.os === 'ubuntu' && e.release) releases.add(e.release)
  }
  return [...releases].sort()
}

/**
 * How a MAAS name that is a table setting (its `maasName`) reads and writes it, checked by the setting's kind
 * as MAAS's form checks that field. A name two settings share (http_proxy: MAAS has one proxy for both
 * schemes) writes both and reads the first.
 */
function tableConfig(maasName: string, keys: readonly SettingKey[]): MaasConfig {
  const entry = settingEntry(keys[0])
  const read = (s: ShownSettings): unknown => settingValue(s, keys[0])
  const patch = (value: unknown): Patch =>
    keys.map((k) => settingPatch(k, value) as Patch).reduce((a, b) => mergePatches(a, b))
  switch (entry.kind) {
    case 'boolean':
      return { get: read, set: (v) => patch(parseBool(maasName, v)) }
    case 'integer':
      return {
        get: read,
        set: (v) => {
          const n = /^\d+$/.test(v) ? Number(v) : NaN
          const { min, max } = entry.bounds
          if (!isWithin({ min, max }, n))
            throw invalid(maasName, `'${v}' is not a whole number from ${min} to ${max}`)
          return patch(n)
        }
      }
    case 'codename':
      return {
        get: read,
        set: async (v, _s, ctx) => {
          const offered = await offeredReleases(ctx)
          if (!offered.includes(v))
            // MAAS's invalid-choice text (maasserver/utils/forms.py, compose_invalid_choice_text).
            throw invalid(
              maasName,
              `'${v}' is not a valid ${maasName}.  It should be one of: ${offered.map((r) => `'${r}'`).join(', ')}.`
            )
          return patch(v)
        }
      }
    case 'proxy_url':
      // MAAS prints `null` while no proxy is set.
      return {
        get: (s) => read(s) || null,
        set: (v) => {
          const error = v === '' ? undefined : proxyUrlError(v)
          if (error) throw invalid(maasName, `Enter a valid URL (${error})`)
          return patch(v)
        }
      }
    case 'host_list':
      // The settings schema checks the list when set-config applies the patch.
      return { get: read, set: (v) => patch(v) }
  }
}

/** The table's settings by their MAAS names, in the table's order. */
function tableNames(): Map<string, SettingKey[]> {
  const names = new Map<string, SettingKey[]>()
  for (const key of SETTING_KEYS) {
    const name = settingEntry(key).maasName
    if (name) names.set(name, [...(names.get(name) ?? []), key])
  }
  return names
}

/** MAAS settings whose meaning differs from any one setting's, so they cannot come from the table. */
const MAAS_ONLY: Record<string, MaasConfig> = {
  /**
   * MAAS: whether the proxy is used at all. This app has no separate switch: true while a proxy is set; false
   * clears it; true leaves the proxy as it is (set http_proxy to choose one).
   */
  enable_http_proxy: {
    get: (s) => s.proxy.http_proxy !== '' || s.proxy.https_proxy !== '',
    set: (v) => (parseBool('enable_http_proxy', v) ? {} : { proxy: { http_proxy: '', https_proxy: '' } })
  },
  /** MAAS: reach the image repository without the proxy. Here: the boot sources' hosts in no_proxy. */
  boot_images_no_proxy: {
    get: async (s, ctx) => {
      const hosts = await sourceHosts(ctx)
      const list = noProxyList(s)
      return hosts.length > 0 && hosts.every((h) => list.includes(h))
    },
    set: async (v, s, ctx) => {
      const on = parseBool('boot_images_no_proxy', v)
      const hosts = await sourceHosts(ctx)
      const rest = noProxyList(s).filter((h) => !hosts.includes(h))
      return { proxy: { no_proxy: (on ? [...rest, ...hosts] : rest).join(',') } }
    }
  }
}

/** Every MAAS config name this app answers: the table's `maasName`s, then the MAAS-only ones. */
export const MAAS_CONFIG: Record<string, MaasConfig> = {
  ...Object.fromEntries([...tableNames()].map(([name, keys]) => [name, tableConfig(name, keys)])),
  ...MAAS_ONLY
}

/** MAAS's answer to a name it does not know (INVALID_SETTING_MSG_TEMPLATE), listing the names this app has. */
export function maasConfigEntry(name: string): MaasConfig {
  if (!Object.hasOwn(MAAS_CONFIG, name))
    throw new AppError(
      'invalid_argument',
      `${name} is not a valid config setting (valid settings are: ${Object.keys(MAAS_CONFIG).join(', ')}).`
    )
  return MAAS_CONFIG[name]
}
