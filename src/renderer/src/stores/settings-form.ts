/** The Settings form: its text fields, their checks, and the patch of what changed. */
import type { Settings } from '../../../shared/types'
import type { RequestInput } from '../../../shared/ipc-contract'

export interface SettingsFields {
  auto_sync: boolean
  sync_interval_minutes: string
  connections: string
  http_proxy: string
  https_proxy: string
  no_proxy: string
  commissioning_distro_series: string
}

export type SettingsErrors = Partial<Record<keyof SettingsFields, string>>

// The bounds main's schema enforces (src/shared/schemas.ts), checked here first to say why.
export const INTERVAL_MIN = 5
export const INTERVAL_MAX = 7 * 24 * 60
export const CONNECTIONS_MIN = 1
export const CONNECTIONS_MAX = 32

export function fieldsFromSettings(s: Settings): SettingsFields {
  return {
    auto_sync: s.auto_sync,
    sync_interval_minutes: String(s.sync_interval_minutes),
    connections: String(s.connections),
    http_proxy: s.proxy.http_proxy,
    https_proxy: s.proxy.https_proxy,
    no_proxy: s.proxy.no_proxy,
    commissioning_distro_series: s.commissioning_distro_series
  }
}

// v-model on <input type="number"> hands back a number once the text parses, a string otherwise.
function wholeNumber(text: string | number): number | null {
  const t = String(text).trim()
  return /^\d+$/.test(t) ? Number(t) : null
}

function checkProxy(text: string): string | undefined {
  const t = text.trim()
  if (!t) return undefined
  try {
    const u = new URL(t)
    if (u.protocol !== 'http:' && u.protocol !== 'https:')
      return 'Give the proxy as an http:// or https:// URL, e.g. http://squid.internal:3128/'
    return undefined
  } catch {
    return 'Give the proxy as a URL, e.g. http://squid.internal:3128/'
  }
}

const normaliseNoProxy = (text: string): string => text.trim().replace(/\s*,\s*/g, ',')

export function validateSettings(
  f: SettingsFields,
  saved: Settings
): { errors: SettingsErrors; patch?: RequestInput<'updateSettings'> } {
  const errors: SettingsErrors = {}
  const interval = wholeNumber(f.sync_interval_minutes)
  if (interval === null || interval < INTERVAL_MIN || interval > INTERVAL_MAX)
    errors.sync_interval_minutes = `Enter a whole number of minutes from ${INTERVAL_MIN} to ${INTERVAL_MAX} (one week).`
  const connections = wholeNumber(f.connections)
  if (connections === null || connections < CONNECTIONS_MIN || connections > CONNECTIONS_MAX)
    errors.connections = `Enter a whole number from ${CONNECTIONS_MIN} to ${CONNECTIONS_MAX}.`
  const httpError = checkProxy(f.http_proxy)
  if (httpError) errors.http_proxy = httpError
  const httpsError = checkProxy(f.https_proxy)
  if (httpsError) errors.https_proxy = httpsError
  if (/\s/.test(normaliseNoProxy(f.no_proxy)))
    errors.no_proxy = 'Separate hosts with commas, e.g. localhost,127.0.0.1,.internal'
  const series = f.commissioning_distro_series.trim()
  if (!/^[a-z0-9][a-z0-9.-]{0,63}$/.test(series))
    errors.commissioning_distro_series = 'Give an Ubuntu release codename, e.g. noble'
  if (Object.keys(errors).length) return { errors }

  // Only what changed, so a save here never undoes a change made meanwhile with the CLI.
  const patch: RequestInput<'updateSettings'> = {}
  if (f.auto_sync !== saved.auto_sync) patch.auto_sync = f.auto_sync
  if (interval !== saved.sync_interval_minutes) patch.sync_interval_minutes = interval!
  if (connections !== saved.connections) patch.connections = connections!
  if (series !== saved.commissioning_distro_series) patch.commissioning_distro_series = series
  const proxy = {
    http_proxy: f.http_proxy.trim(),
    https_proxy: f.https_proxy.trim(),
    no_proxy: normaliseNoProxy(f.no_proxy)
  }
  const proxyPatch: Partial<typeof proxy> = {}
  for (const key of Object.keys(proxy) as Array<keyof typeof proxy>)
    if (proxy[key] !== saved.proxy[key]) proxyPatch[key] = proxy[key]
  if (Object.keys(proxyPatch).length) patch.proxy = proxyPatch
  return { errors, patch }
}
