/**
 * User settings (sync, connections, proxy) in settings.json. The file holds only what differs from the
 * defaults (any field may be missing); one that is damaged (not JSON, a field out of bounds, an unknown
 * field) is refused with an error naming it, like every JSON document of the data directory.
 */
import type { z } from 'zod'
import type { ProxySettings, Settings } from '@shared/types'
import { storedSettingsPatchSchema, settingsSchema } from '@shared/schemas'
import { AppError } from '@shared/errors'
import { maskProxyPassword, parseProxyUrl, restoreProxyPassword } from '@shared/proxy-url'
import { rememberSecret } from '@shared/scrub-secrets'
import { dataLayout } from './data-layout'
import { JsonDocument } from './json-document'

export const defaultSettings = (): Settings => ({
  auto_sync: true,
  sync_interval_minutes: 60,
  // The cap per server of the adaptive connection count (download/concurrency-controller.ts). 16, the low end
  // of what stays polite to a CDN: on the shaped benchmark (2 heavily loaded cores) a cap of 16 beat 24 in
  // three runs of four; past the CPU's limit more only cost CPU per byte (more sockets, shorter requests under
  // the kill-loss budget). Figures from a loaded machine: worth re-measuring on a quiet one.
  connections: 16,
  proxy: { http_proxy: '', https_proxy: '', no_proxy: '' },
  // The newest LTS, as on a new MAAS region (and the release first run selects).
  commissioning_distro_series: 'noble'
})

type Patch = z.infer<typeof storedSettingsPatchSchema>

function merge(base: Settings, patch: Patch): Settings {
  return { ...base, ...patch, proxy: { ...base.proxy, ...(patch.proxy ?? {}) } }
}

const PROXY_URL_FIELDS = ['http_proxy', 'https_proxy'] as const

/** The settings as the renderer and the CLI's output see them: proxy passwords masked. */
export function maskSettings(s: Settings): Settings {
  const proxy: ProxySettings = { ...s.proxy }
  for (const key of PROXY_URL_FIELDS) proxy[key] = maskProxyPassword(proxy[key])
  return { ...s, proxy }
}

/** A proxy password is scrubbed from every message main sends once it has been read. */
function rememberProxyPasswords(s: Settings): void {
  for (const key of PROXY_URL_FIELDS) {
    const check = s.proxy[key].trim() ? parseProxyUrl(s.proxy[key]) : undefined
    if (check?.ok && check.url.password) rememberSecret(check.url.password)
  }
}

export class SettingsStore {
  readonly file: string
  private readonly doc: JsonDocument<Patch>

  constructor(readonly dataDir: string) {
    const layout = dataLayout(dataDir)
    this.file = layout.settings
    this.doc = new JsonDocument<Patch>({
      path: layout.settings,
      lockPath: layout.settingsLock,
      schema: storedSettingsPatchSchema,
      empty: () => ({}),
      what: 'settings'
    })
  }

  async read(): Promise<Settings> {
    return this.complete(await this.doc.read())
  }

  private complete(patch: Patch): Settings {
    const settings = settingsSchema.parse(merge(defaultSettings(), patch))
    rememberProxyPasswords(settings)
    return settings
  }

  /**
   * Applies a change. A proxy sent back with the masked password (what maskSettings showed) keeps the
   * stored password; see restoreProxyPassword for when it does not.
   */
  async update(patch: Patch): Promise<Settings> {
    return this.doc.replace((stored): Settings => {
      const current = this.complete(stored)
      const proxyPatch = { ...(patch.proxy ?? {}) }
      for (const key of PROXY_URL_FIELDS) {
        const sent = proxyPatch[key]
        if (sent === undefined) continue
        const restored = restoreProxyPassword(sent, current.proxy[key])
        if ('error' in restored) throw new AppError('invalid_argument', `${key}: ${restored.error}`)
        proxyPatch[key] = restored.value
      }
      const next = settingsSchema.parse(merge(current, { ...patch, proxy: proxyPatch }))
      rememberProxyPasswords(next)
      return next
    })
  }
}
