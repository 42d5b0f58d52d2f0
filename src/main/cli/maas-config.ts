/**
 * MAAS's config names (`maas $PROFILE maas get-config name=…`) for the settings this app has, and how each
 * reads and writes them. The one place the CLI maps MAAS names; values are checked as MAAS's settings forms
 * check them (maasserver/forms/settings.py), and read back as MAAS prints them: JSON (`"noble"`, `true`, `null`).
 */
import type { z } from 'zod'
import { AppError } from '@shared/errors'
import type { settingsPatchSchema } from '@shared/schemas'
import { isWithin } from '@shared/settings-rules'
import { settingBounds } from '@shared/settings-table'
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

export const MAAS_CONFIG: Record<string, MaasConfig> = {
  boot_images_auto_import: {
    get: (s) => s.auto_sync,
    set: (v) => ({ auto_sync: parseBool('boot_images_auto_import', v) })
  },
  boot_images_import_interval_minutes: {
    get: (s) => s.sync_interval_minutes,
    set: (v) => {
      const n = /^\d+$/.test(v) ? Number(v) : NaN
      const { min, max } = settingBounds('sync_interval_minutes')
      if (!isWithin({ min, max }, n))
        throw invalid(
          'boot_images_import_interval_minutes',
          `'${v}' is not a whole number from ${min} to ${max}`
        )
      return { sync_interval_minutes: n }
    }
  },
  commissioning_distro_series: {
    get: (s) => s.commissioning_distro_series,
    set: async (v, _s, ctx) => {
      const offered = await offeredReleases(ctx)
      if (!offered.includes(v))
        // MAAS's invalid-choice text (maasserver/utils/forms.py, compose_invalid_choice_text).
        throw invalid(
          'commissioning_distro_series',
          `'${v}' is not a valid commissioning_distro_series.  It should be one of: ${offered.map((r) => `'${r}'`).join(', ')}.`
        )
      return { commissioning_distro_series: v }
    }
  },
  /** MAAS: the proxy for APT and images, `null` when none is set. Here: the images' proxy, http and https. */
  http_proxy: {
    get: (s) => s.proxy.http_proxy || null,
    set: (v) => {
      const error = v === '' ? undefined : proxyUrlError(v)
      if (error) throw invalid('http_proxy', `Enter a valid URL (${error})`)
      return { proxy: { http_proxy: v, https_proxy: v } }
    }
  },
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

/** MAAS's answer to a name it does not know (INVALID_SETTING_MSG_TEMPLATE), listing the names this app has. */
export function maasConfigEntry(name: string): MaasConfig {
  if (!Object.hasOwn(MAAS_CONFIG, name))
    throw new AppError(
      'invalid_argument',
      `${name} is not a valid config setting (valid settings are: ${Object.keys(MAAS_CONFIG).join(', ')}).`
    )
  return MAAS_CONFIG[name]
}
