/**
 * The Settings form, generated from the settings table (src/shared/settings-table.ts): its fields, their
 * checks (the bounds and rules main's schema enforces, checked here first to say why), its cards, and the
 * patch of what changed.
 */
import type { Settings } from '@shared/types'
import type { RequestInput } from '@shared/ipc-contract'
import { joinProxyPassword, proxyUrlError, splitProxyPassword } from '@shared/proxy-url'
import { RELEASE_CODENAME, isWithin } from '@shared/settings-rules'
import {
  SETTING_KEYS,
  mergePatches,
  settingEntry,
  settingPatch,
  settingValue,
  type KeyOfKind,
  type SettingEntry,
  type SettingKey,
  type SettingSection
} from '@shared/settings-table'

type ProxyUrlKey = KeyOfKind<'proxy_url'>
type BooleanKey = KeyOfKind<'boolean'>

/** What the form edits: a boolean per switch, text per field; a proxy URL's password has a field of its own. */
export type SettingsFields = { [K in SettingKey]: K extends BooleanKey ? boolean : string } & {
  [K in ProxyUrlKey as `${K}_password`]: string
}

export type SettingsErrors = Partial<Record<keyof SettingsFields, string>>

type Patch = RequestInput<'updateSettings'>

/** The cards of the Settings screen, in order, each with its settings in table order. */
const SECTIONS: ReadonlyArray<{ id: SettingSection; title: string; intro?: string }> = [
  { id: 'sync', title: 'Sync' },
  { id: 'downloads', title: 'Downloads' },
  { id: 'commissioning', title: 'Commissioning' },
  {
    id: 'proxy',
    title: 'Proxy',
    intro:
      "Used for stream metadata and image downloads, on top of the environment's http_proxy, https_proxy and " +
      'no_proxy. Leave empty for a direct connection.'
  }
]

export type SettingsFormEntry = SettingEntry & { key: SettingKey }

export const settingsSections = SECTIONS.map((section) => ({
  ...section,
  entries: SETTING_KEYS.filter((key) => settingEntry(key).section === section.id).map(
    (key): SettingsFormEntry => ({ ...settingEntry(key), key })
  )
}))

/**
 * Main sends proxy passwords masked (PASSWORD_MASK); the password field shows the mask, and sending
 * it back unchanged keeps the stored password.
 */
export function fieldsFromSettings(s: Settings): SettingsFields {
  const fields: Record<string, string | boolean> = {}
  for (const key of SETTING_KEYS) {
    const value = settingValue(s, key)
    const entry = settingEntry(key)
    if (entry.kind === 'boolean') fields[key] = value as boolean
    else if (entry.kind === 'proxy_url') {
      const { url, password } = splitProxyPassword(value as string)
      fields[key] = url
      fields[`${key}_password`] = password
    } else fields[key] = String(value)
  }
  return fields as SettingsFields
}

// v-model on <input type="number"> hands back a number once the text parses, a string otherwise.
function wholeNumber(text: string | number): number | null {
  const t = String(text).trim()
  return /^\d+$/.test(t) ? Number(t) : null
}

const normaliseHostList = (text: string): string => text.trim().replace(/\s*,\s*/g, ',')

/** One field's check: the value to send, or why it cannot be sent; `same` when it equals the saved one. */
type Checked = { value: unknown; same: boolean } | { error: string }

function checkField(f: SettingsFields, saved: Settings, key: SettingKey): Checked {
  const entry = settingEntry(key)
  const text = f[key] as string | number | boolean
  const before = settingValue(saved, key)
  switch (entry.kind) {
    case 'boolean':
      return { value: text, same: text === before }
    case 'integer': {
      const n = wholeNumber(text as string | number)
      if (n === null || !isWithin(entry.bounds, n)) return { error: entry.invalid }
      return { value: n, same: n === before }
    }
    case 'codename': {
      const v = String(text).trim()
      return RELEASE_CODENAME.test(v) ? { value: v, same: v === before } : { error: entry.invalid }
    }
    case 'host_list': {
      const v = normaliseHostList(String(text))
      return /\s/.test(v) ? { error: entry.invalid } : { value: v, same: v === before }
    }
    case 'proxy_url': {
      const k = key as ProxyUrlKey
      const error = proxyUrlError(f[k])
      if (error) return { error }
      const joined = joinProxyPassword(f[k], f[`${k}_password`])
      if ('error' in joined) return joined
      const shown = fieldsFromSettings(saved)
      const same = f[k].trim() === shown[k].trim() && f[`${k}_password`] === shown[`${k}_password`]
      return { value: joined.value, same }
    }
  }
}

export function validateSettings(
  f: SettingsFields,
  saved: Settings
): { errors: SettingsErrors; patch?: Patch } {
  const errors: SettingsErrors = {}
  // Only what changed, so a save here never undoes a change made meanwhile with the CLI.
  let patch: Patch = {}
  for (const key of SETTING_KEYS) {
    const checked = checkField(f, saved, key)
    if ('error' in checked) errors[key] = checked.error
    else if (!checked.same) patch = mergePatches(patch, settingPatch(key, checked.value) as Patch)
  }
  return Object.keys(errors).length ? { errors } : { errors, patch }
}
