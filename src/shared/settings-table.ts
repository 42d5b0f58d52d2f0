/**
 * Every setting, once: its key, the kind of value (schemas.ts makes its zod schema from the kind and the
 * bounds), its default, the label and help the Settings screen shows, and its names on the CLI
 * (`settings update NAME=VALUE`) and in MAAS (`maas get-config/set-config name=NAME`). The settings schema,
 * the defaults, the Settings form and the CLI are all generated from this table: a new setting is one entry
 * here. Free of zod for the renderer bundle.
 */
/** What a setting holds; each kind has one schema (schemas.ts), one form field and one CLI parser. */
export type SettingKind = 'boolean' | 'integer' | 'codename' | 'proxy_url' | 'host_list'

/** The card of the Settings screen a setting is shown in. */
export type SettingSection = 'sync' | 'downloads' | 'commissioning' | 'proxy'

interface EntryBase {
  /** settings.json and the API keep the proxy fields under `proxy` */
  group?: 'proxy'
  section: SettingSection
  label: string
  help?: string
  placeholder?: string
  /** its name in `maas-images settings update` */
  cli: string
  /**
   * its name in MAAS's config (`maas get-config name=…`) when MAAS has the same setting under another name;
   * a MAAS setting with another meaning (boot_images_no_proxy is a switch, not a host list) is mapped in
   * src/main/cli/maas-config.ts only
   */
  maasName?: string
  /** the form control's data-testid */
  testid: string
  /** the form field can be changed only while this boolean setting is on */
  enabledBy?: string
  /** only the desktop app has it (the Settings screen shows it there only; the CLI refuses it) */
  appOnly?: boolean
}

export type SettingEntry = EntryBase &
  (
    | { kind: 'boolean'; default: boolean }
    | { kind: 'integer'; default: number; bounds: { min: number; max: number }; invalid: string }
    | { kind: 'codename'; default: string; invalid: string }
    | { kind: 'proxy_url'; default: string; passwordLabel: string; passwordTestid: string }
    | { kind: 'host_list'; default: string; invalid: string }
  )

const INTERVAL = { min: 5, max: 7 * 24 * 60 } as const
const CONNECTIONS = { min: 1, max: 32 } as const

export const SETTINGS = {
  auto_sync: {
    kind: 'boolean',
    default: true,
    section: 'sync',
    label: 'Automatically sync images',
    help:
      'While the app runs it checks the source for new images and downloads them, as MAAS does hourly. ' +
      'Closing the window keeps it running in the tray while this is on.',
    cli: 'auto_sync',
    maasName: 'boot_images_auto_import',
    testid: 'auto-sync-toggle'
  },
  /**
   * The desktop app starts at login, in the tray (shell/login-item.ts registers it with the OS); off by
   * default. Only the app sets it: the CLI and the browser-mode host have no login item to register.
   */
  start_at_login: {
    kind: 'boolean',
    default: false,
    section: 'sync',
    label: 'Start at login',
    help: 'Starts the app in the tray when you log in, so the sync runs without opening it.',
    cli: 'start_at_login',
    testid: 'start-at-login-toggle',
    appOnly: true
  },
  sync_interval_minutes: {
    kind: 'integer',
    default: 60,
    bounds: INTERVAL,
    section: 'sync',
    label: 'Sync interval (minutes)',
    help: 'MAAS syncs every 60 minutes by default.',
    invalid: `Enter a whole number of minutes from ${INTERVAL.min} to ${INTERVAL.max} (one week).`,
    cli: 'sync_interval_minutes',
    maasName: 'boot_images_import_interval_minutes',
    testid: 'sync-interval-input',
    enabledBy: 'auto_sync'
  },
  // The cap per server of the adaptive connection count (download/concurrency-controller.ts). 16, the low end
  // of what stays polite to a CDN: on the shaped benchmark (2 heavily loaded cores) a cap of 16 beat 24 in
  // three runs of four; past the CPU's limit more only cost CPU per byte (more sockets, shorter requests under
  // the kill-loss budget). Figures from a loaded machine: worth re-measuring on a quiet one.
  connections: {
    kind: 'integer',
    default: 16,
    bounds: CONNECTIONS,
    section: 'downloads',
    label: 'Download connections',
    help:
      `Most connections per server (${CONNECTIONS.min}–${CONNECTIONS.max}, default 16). An import starts with 8 ` +
      'and opens more only while they raise throughput. Large files are split into ranges across them when ' +
      'the server allows it.',
    invalid: `Enter a whole number from ${CONNECTIONS.min} to ${CONNECTIONS.max}.`,
    cli: 'connections',
    testid: 'connections-input'
  },
  http_proxy: {
    kind: 'proxy_url',
    group: 'proxy',
    default: '',
    section: 'proxy',
    label: 'HTTP proxy (http_proxy)',
    passwordLabel: 'HTTP proxy password',
    placeholder: 'http://user@squid.internal:3128/',
    cli: 'http_proxy',
    // MAAS has one proxy for both schemes: set-config http_proxy sets both, get-config reads this one.
    maasName: 'http_proxy',
    testid: 'http-proxy-input',
    passwordTestid: 'http-proxy-password-input'
  },
  https_proxy: {
    kind: 'proxy_url',
    group: 'proxy',
    default: '',
    section: 'proxy',
    label: 'HTTPS proxy (https_proxy)',
    passwordLabel: 'HTTPS proxy password',
    placeholder: 'http://user@squid.internal:3128/',
    cli: 'https_proxy',
    maasName: 'http_proxy',
    testid: 'https-proxy-input',
    passwordTestid: 'https-proxy-password-input'
  },
  no_proxy: {
    kind: 'host_list',
    group: 'proxy',
    default: '',
    section: 'proxy',
    label: 'No proxy for (no_proxy)',
    placeholder: 'localhost,127.0.0.1,.internal',
    invalid: 'Separate hosts with commas, e.g. localhost,127.0.0.1,.internal',
    cli: 'no_proxy',
    testid: 'no-proxy-input'
  },
  /**
   * MAAS's `commissioning_distro_series`: the Ubuntu release machines commission with. Its images are
   * protected on the Images page (its last architecture cannot be unticked). The newest LTS, as on a new
   * MAAS region (and the release first run selects).
   */
  commissioning_distro_series: {
    kind: 'codename',
    default: 'noble',
    section: 'commissioning',
    label: 'Default commissioning release (commissioning_distro_series)',
    help:
      'The Ubuntu release machines commission with, as in MAAS (newest LTS by default). The Images page marks ' +
      'it, keeps at least one of its architectures selected, and warns before its images are deleted.',
    placeholder: 'noble',
    invalid: 'Give an Ubuntu release codename, e.g. noble',
    cli: 'commissioning_distro_series',
    maasName: 'commissioning_distro_series',
    testid: 'commissioning-series-input'
  }
} as const satisfies Record<string, SettingEntry>

type Table = typeof SETTINGS
export type SettingKey = keyof Table
/** The settings kept under `proxy`. */
export type ProxyGroupKey = { [K in SettingKey]: Table[K] extends { group: 'proxy' } ? K : never }[SettingKey]
export type TopLevelKey = Exclude<SettingKey, ProxyGroupKey>
/** The settings of a kind, e.g. every proxy URL. */
export type KeyOfKind<T extends SettingKind> = {
  [K in SettingKey]: Table[K]['kind'] extends T ? K : never
}[SettingKey]

export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[]
export const PROXY_GROUP_KEYS = SETTING_KEYS.filter((k): k is ProxyGroupKey => 'group' in SETTINGS[k])
export const TOP_LEVEL_KEYS = SETTING_KEYS.filter((k): k is TopLevelKey => !('group' in SETTINGS[k]))

export function settingEntry(key: SettingKey): SettingEntry {
  return SETTINGS[key]
}

/** The shape the settings have: top-level fields and the proxy group, as settings.json keeps them. */
interface SettingsShape {
  proxy: Record<string, unknown>
  [key: string]: unknown
}

/** One setting's value in a settings object. */
export function settingValue(settings: SettingsShape, key: SettingKey): unknown {
  return 'group' in SETTINGS[key] ? settings.proxy[key] : settings[key]
}

/** The patch that sets one setting (under `proxy` for the proxy group). */
export function settingPatch(key: SettingKey, value: unknown): Record<string, unknown> {
  return 'group' in SETTINGS[key] ? { proxy: { [key]: value } } : { [key]: value }
}

/** Two patches as one; their proxy parts are merged. */
export function mergePatches<P extends { proxy?: object }>(a: P, b: P): P {
  const proxy = a.proxy || b.proxy ? { proxy: { ...a.proxy, ...b.proxy } } : {}
  return { ...a, ...b, ...proxy }
}

/** The defaults of every setting, shaped as the settings are (check them with settingsSchema). */
export function settingsDefaults(): SettingsShape {
  let out: SettingsShape = { proxy: {} }
  for (const key of SETTING_KEYS)
    out = mergePatches(out, settingPatch(key, SETTINGS[key].default) as SettingsShape)
  return out
}

/** The bounds of an integer setting: one definition for the schema and the form. */
export function settingBounds(key: KeyOfKind<'integer'>): { min: number; max: number } {
  return SETTINGS[key].bounds
}
