/** The Settings form: its text fields, their checks, and the patch of what changed. */
import type { Settings } from '@shared/types'
import type { RequestInput } from '@shared/ipc-contract'
import { joinProxyPassword, proxyUrlError, splitProxyPassword } from '@shared/proxy-url'
import { RELEASE_CODENAME, SETTINGS_BOUNDS } from '@shared/settings-rules'

export interface SettingsFields {
  auto_sync: boolean
  start_at_login: boolean
  sync_interval_minutes: string
  connections: string
  /** the proxy URLs without their passwords, which have fields of their own */
  http_proxy: string
  http_proxy_password: string
  https_proxy: string
  https_proxy_password: string
  no_proxy: string
  commissioning_distro_series: string
}

export type SettingsErrors = Partial<Record<keyof SettingsFields, string>>

// The bounds main's schema enforces (src/shared/schemas.ts), checked here first to say why.
export const INTERVAL_MIN = SETTINGS_BOUNDS.sync_interval_minutes.min
export const INTERVAL_MAX = SETTINGS_BOUNDS.sync_interval_minutes.max
export const CONNECTIONS_MIN = SETTINGS_BOUNDS.connections.min
export const CONNECTIONS_MAX = SETTINGS_BOUNDS.connections.max

/**
 * Main sends proxy passwords masked (PASSWORD_MASK); the password field shows the mask, and sending
 * it back unchanged keeps the stored password.
 */
export function fieldsFromSettings(s: Settings): SettingsFields {
  const http = splitProxyPassword(s.proxy.http_proxy)
  const https = splitProxyPassword(s.proxy.https_proxy)
  return {
    auto_sync: s.auto_sync,
    start_at_login: s.start_at_login,
    sync_interval_minutes: String(s.sync_interval_minutes),
    connections: String(s.connections),
    http_proxy: http.url,
    http_proxy_password: http.password,
    https_proxy: https.url,
    https_proxy_password: https.password,
    no_proxy: s.proxy.no_proxy,
    commissioning_distro_series: s.commissioning_distro_series
  }
}

// v-model on <input type="number"> hands back a number once the text parses, a string otherwise.
function wholeNumber(text: string | number): number | null {
  const t = String(text).trim()
  return /^\d+$/.test(t) ? Number(t) : null
}

type ProxyKey = 'http_proxy' | 'https_proxy'

/** The proxy setting to send for one field pair, or the error main's own rule gives. */
function proxyValue(f: SettingsFields, key: ProxyKey): { value: string } | { error: string } {
  const error = proxyUrlError(f[key])
  if (error) return { error }
  return joinProxyPassword(f[key], f[`${key}_password`])
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
  const proxies = { http_proxy: proxyValue(f, 'http_proxy'), https_proxy: proxyValue(f, 'https_proxy') }
  for (const key of ['http_proxy', 'https_proxy'] as const) {
    const p = proxies[key]
    if ('error' in p) errors[key] = p.error
  }
  if (/\s/.test(normaliseNoProxy(f.no_proxy)))
    errors.no_proxy = 'Separate hosts with commas, e.g. localhost,127.0.0.1,.internal'
  const series = f.commissioning_distro_series.trim()
  if (!RELEASE_CODENAME.test(series))
    errors.commissioning_distro_series = 'Give an Ubuntu release codename, e.g. noble'
  if (Object.keys(errors).length) return { errors }

  // Only what changed, so a save here never undoes a change made meanwhile with the CLI.
  const patch: RequestInput<'updateSettings'> = {}
  if (f.auto_sync !== saved.auto_sync) patch.auto_sync = f.auto_sync
  if (f.start_at_login !== saved.start_at_login) patch.start_at_login = f.start_at_login
  if (interval !== saved.sync_interval_minutes) patch.sync_interval_minutes = interval!
  if (connections !== saved.connections) patch.connections = connections!
  if (series !== saved.commissioning_distro_series) patch.commissioning_distro_series = series
  const before = fieldsFromSettings(saved)
  const proxyPatch: NonNullable<RequestInput<'updateSettings'>['proxy']> = {}
  for (const key of ['http_proxy', 'https_proxy'] as const) {
    const p = proxies[key]
    const changed = f[key].trim() !== before[key].trim() || f[`${key}_password`] !== before[`${key}_password`]
    if (changed && 'value' in p) proxyPatch[key] = p.value
  }
  const noProxy = normaliseNoProxy(f.no_proxy)
  if (noProxy !== saved.proxy.no_proxy) proxyPatch.no_proxy = noProxy
  if (Object.keys(proxyPatch).length) patch.proxy = proxyPatch
  return { errors, patch }
}
