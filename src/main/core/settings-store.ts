/**
 * User settings (sync, connections, proxy) in settings.json. The file holds only what differs from the
 * defaults (any field may be missing); one that is damaged (not JSON, a field out of bounds, an unknown
 * field) is refused with an error naming it, like every JSON document of the data directory. Proxy
 * passwords are kept in the system keyring where there is one (proxy-passwords.ts).
 */
import type { z } from 'zod'
import type { ProxySettings, Settings, ShownSettings } from '@shared/types'
import { settingsPatchSchema, storedSettingsPatchSchema, settingsSchema } from '@shared/schemas'
import { AppError } from '@shared/errors'
import { PASSWORD_MASK, maskProxyPassword, restoreProxyPassword, splitProxyPassword } from '@shared/proxy-url'
import { rememberSecret } from '@shared/scrub-secrets'
import { dataLayout } from './data-layout'
import { JsonDocument } from './json-document'
import {
  PROXY_URL_FIELDS,
  describeStorage,
  dropAccount,
  keyringAccount,
  keyringPasswords,
  moveFilePasswords,
  passwordIn,
  withPassword,
  type OpenKeyring,
  type ProxyKey,
  type StoredSettings
} from './proxy-passwords'
import { loadSystemKeyring, probeSystemKeyring } from './system-keyring'

export const defaultSettings = (): Settings => ({
  auto_sync: true,
  start_at_login: false,
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

type Patch = z.infer<typeof settingsPatchSchema>

function merge(base: Settings, patch: Omit<StoredSettings, 'proxy_keyring'>): Settings {
  return { ...base, ...patch, proxy: { ...base.proxy, ...(patch.proxy ?? {}) } }
}

/** The settings a stored document means, with `passwords` put into the URLs whose password is elsewhere. */
function settingsOf(doc: StoredSettings, passwords: Partial<Record<ProxyKey, string>>): Settings {
  const { proxy_keyring: _, ...fields } = doc
  const proxy = { ...(fields.proxy ?? {}) }
  for (const key of PROXY_URL_FIELDS) {
    const raw = proxy[key]
    if (raw && passwords[key]) proxy[key] = withPassword(raw, passwords[key])
  }
  return settingsSchema.parse(merge(defaultSettings(), { ...fields, proxy }))
}

/** The settings as the renderer and the CLI's output see them: proxy passwords masked. */
function maskSettings(s: Settings): Settings {
  const proxy: ProxySettings = { ...s.proxy }
  for (const key of PROXY_URL_FIELDS) proxy[key] = maskProxyPassword(proxy[key])
  return { ...s, proxy }
}

/** A proxy password is scrubbed from every message main sends once it has been read. */
function rememberProxyPasswords(s: Settings): void {
  for (const key of PROXY_URL_FIELDS) {
    const password = passwordIn(s.proxy[key])
    if (password) rememberSecret(password)
  }
}

export interface SettingsStoreOptions {
  /** the system keyring's library, without a call to the store (system-keyring.ts) */
  openKeyring?: OpenKeyring
  /** the system keyring only if it can store a password now */
  probeKeyring?: OpenKeyring
}

export class SettingsStore {
  readonly file: string
  private readonly doc: JsonDocument<StoredSettings>
  private readonly openKeyring: OpenKeyring
  private readonly probeKeyring: OpenKeyring

  constructor(
    readonly dataDir: string,
    opts: SettingsStoreOptions = {}
  ) {
    const layout = dataLayout(dataDir)
    this.file = layout.settings
    this.openKeyring = opts.openKeyring ?? (() => loadSystemKeyring())
    this.probeKeyring = opts.probeKeyring ?? (() => probeSystemKeyring())
    this.doc = new JsonDocument<StoredSettings>({
      path: layout.settings,
      lockPath: layout.settingsLock,
      schema: storedSettingsPatchSchema,
      empty: () => ({}),
      what: 'settings'
    })
  }

  /** The settings with their proxy passwords, to connect with; never sent out of main as they are. */
  async read(): Promise<Settings> {
    const doc = await this.stored()
    const settings = settingsOf(doc, await keyringPasswords(doc, this.openKeyring))
    rememberProxyPasswords(settings)
    return settings
  }

  /** The settings as the renderer and the CLI show them: passwords masked, and where they are kept. */
  async shown(): Promise<ShownSettings> {
    const doc = await this.stored()
    rememberProxyPasswords(settingsOf(doc, {}))
    const masks: Partial<Record<ProxyKey, string>> = {}
    for (const key of PROXY_URL_FIELDS) if (keyringAccount(doc, key)) masks[key] = PASSWORD_MASK
    return {
      ...maskSettings(settingsOf(doc, masks)),
      proxy_password_storage: await describeStorage(doc, this.probeKeyring)
    }
  }

  /**
   * The document in settings.json, after moving a password still written there into the keyring (an older
   * version's file, or one saved while there was no keyring). Nothing is written while there is no keyring.
   */
  private async stored(): Promise<StoredSettings> {
    const doc = await this.doc.read()
    if (!PROXY_URL_FIELDS.some((key) => passwordIn(doc.proxy?.[key]))) return doc
    const store = await this.probeKeyring()
    if (!store.ok) return doc
    return this.doc.replace(async (fresh) => {
      await moveFilePasswords(fresh, async () => store)
      return fresh
    })
  }

  /**
   * Applies a change. A proxy sent back with the masked password (what shown() gave) keeps the stored
   * password, in the file or in the keyring; see restoreProxyPassword for when it does not. A new password
   * goes to the keyring when there is one, else into settings.json.
   */
  async update(patch: Patch): Promise<void> {
    await this.doc.replace(async (stored): Promise<StoredSettings> => {
      const { proxy: proxyPatch, ...fields } = patch
      const next: StoredSettings = { ...stored, ...fields, proxy: { ...(stored.proxy ?? {}) } }
      if (proxyPatch?.no_proxy !== undefined) next.proxy!.no_proxy = proxyPatch.no_proxy
      for (const key of PROXY_URL_FIELDS) {
        const sent = proxyPatch?.[key]
        if (sent !== undefined) next.proxy![key] = await this.proxyToStore(next, key, sent)
      }
      settingsOf(next, {})
      await moveFilePasswords(next, this.probeKeyring)
      return next
    })
  }

  /** What to store for one proxy URL that was sent: the URL with its password, or without it when kept. */
  private async proxyToStore(doc: StoredSettings, key: ProxyKey, sent: string): Promise<string> {
    const old = doc.proxy?.[key] ?? ''
    const sentPassword = passwordIn(sent)
    if (sentPassword === PASSWORD_MASK && keyringAccount(doc, key) && !passwordIn(old)) {
      // The password stays in the keyring: only the user and the proxy must be the same.
      const same = restoreProxyPassword(sent, withPassword(old, PASSWORD_MASK))
      if ('error' in same) throw new AppError('invalid_argument', `${key}: ${same.error}`)
      return splitProxyPassword(sent).url
    }
    const restored = restoreProxyPassword(sent, old)
    if ('error' in restored) throw new AppError('invalid_argument', `${key}: ${restored.error}`)
    const password = passwordIn(restored.value)
    if (password) rememberSecret(password)
    else await dropAccount(doc, key, this.openKeyring)
    return restored.value
  }
}
