/**
 * User settings (sync, connections, proxy) in settings.json, validated on read so a hand-edited or
 * damaged file falls back to defaults field by field instead of breaking the app.
 */
import { join } from 'node:path'
import { z } from 'zod'
import type { ProxySettings, Settings } from '../../shared/types'
import { storedSettingsPatchSchema, settingsSchema } from '../../shared/schemas'
import { AppError } from '../../shared/errors'
import { maskProxyPassword, parseProxyUrl, restoreProxyPassword } from '../../shared/proxy-url'
import { rememberSecret } from '../../shared/scrub-secrets'
import { readJsonFile, writeFileAtomic } from './atomic-file'
import { withFileLock } from './file-lock'

export const defaultSettings = (): Settings => ({
  auto_sync: true,
  sync_interval_minutes: 60,
  connections: 8,
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
  constructor(readonly dataDir: string) {
    this.file = join(dataDir, 'settings.json')
  }

  async read(): Promise<Settings> {
    const raw = await readJsonFile<unknown>(this.file).catch(() => undefined)
    const patch = storedSettingsPatchSchema.safeParse(raw ?? {})
    const settings = patch.success
      ? settingsSchema.parse(merge(defaultSettings(), patch.data))
      : defaultSettings()
    rememberProxyPasswords(settings)
    return settings
  }

  /**
   * Applies a change. A proxy sent back with the masked password (what maskSettings showed) keeps the
   * stored password; see restoreProxyPassword for when it does not.
   */
  async update(patch: Patch): Promise<Settings> {
    return withFileLock(join(this.dataDir, 'settings.lock'), async () => {
      const current = await this.read()
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
      await writeFileAtomic(this.file, JSON.stringify(next, null, 2) + '\n')
      return next
    })
  }
}
