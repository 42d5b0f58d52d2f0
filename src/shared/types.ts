/**
 * Data shapes shared by main, the renderer and the CLI.
 * Field names follow the MAAS API/CLI JSON (snake_case) wherever MAAS has the same thing,
 * so admins' scripts carry over.
 */

/** MAAS `boot-sources read` shape. Exactly one of keyring_filename / keyring_data is non-empty. */
export interface BootSource {
  id: number
  url: string
  keyring_filename: string
  /** base64 of a binary or armored OpenPGP keyring */
  keyring_data: string
  created: string
  updated: string
}

/** MAAS `boot-source-selections read` shape. `*` in a list means all. */
export interface BootSourceSelection {
  id: number
  boot_source_id: number
  os: string
  release: string
  arches: string[]
  subarches: string[]
  labels: string[]
}

export type CatalogueGroup = 'ubuntu' | 'bootloader' | 'other'

/** One image a verified stream offers (latest version only). */
export interface CatalogueEntry {
  group: CatalogueGroup
  product_name: string
  /** content_id of the products file the product came from */
  content_id: string
  os: string
  /** empty for bootloaders */
  release: string
  release_title: string
  arch: string
  /** empty for bootloaders */
  subarch: string
  /** comma list of subarches this kernel also serves (MAAS `subarches`) */
  subarches: string
  kflavor: string
  label: string
  support_eol: string
  /** bootloaders only: uefi, pxe, open-firmware */
  bootloader_type?: string
  latest_version: string
  /** sum of the latest version's item sizes, in bytes */
  size: number
}

export interface SignatureInfo {
  /** the file that was checked (URL or path) */
  file: string
  signed: boolean
  /** 16 hex digits, upper case */
  key_id?: string
  /** 40 hex digits, upper case */
  fingerprint?: string
}

export interface Catalogue {
  source_id: number
  url: string
  /** false when the source URL ends in .json (MAAS's "unsigned" policy) */
  verified: boolean
  signatures: SignatureInfo[]
  fetched_at: string
  entries: CatalogueEntry[]
}

export interface VerifyReport {
  location: string
  ok: boolean
  files: Array<SignatureInfo & { ok: boolean; problem?: string }>
  /** filled by --deep: item checksum results */
  items?: Array<{ path: string; ok: boolean; problem?: string }>
  problems: string[]
}

export interface ProxySettings {
  http_proxy: string
  https_proxy: string
  no_proxy: string
}

export interface Settings {
  /** "Automatically sync images", as MAAS; on by default */
  auto_sync: boolean
  /** minutes between syncs; MAAS's default is 60 */
  sync_interval_minutes: number
  /** total download connections */
  connections: number
  proxy: ProxySettings
  /**
   * MAAS's `commissioning_distro_series`: the Ubuntu release machines commission with. Its images
   * are protected on the Images page (its last architecture cannot be unticked). Newest LTS by default.
   */
  commissioning_distro_series: string
}

export interface BootResourceFile {
  filename: string
  filetype: string
  sha256: string
  size: number
  complete: boolean
  progress: number
}

export interface BootResourceSet {
  version: string
  label: string
  size: number
  complete: boolean
  progress: number
  files: Record<string, BootResourceFile>
}

/** MAAS `boot-resources read` / `boot-resource read` shape. */
export interface BootResource {
  id: number
  type: 'Synced' | 'Uploaded' | 'Generated'
  name: string
  architecture: string
  subarches: string
  title: string
  last_deployed: string | null
  /** beyond MAAS: what the UI shows (Synced, Queued for download, Downloading 45%, Update available, Failed: …) */
  status: string
  /** beyond MAAS: why a resource was kept although it left the stream, and similar */
  note?: string
  /** beyond MAAS: the complete version in use, its size in bytes, and when an import last checked it */
  version?: string
  size?: number
  last_synced?: string | null
  sets?: Record<string, BootResourceSet>
  /** beyond MAAS: set on bootloaders, which every sync brings back and which cannot be deleted alone */
  bootloader?: boolean
  /** beyond MAAS: the boot source the resource was imported from */
  source_id?: number
  /** beyond MAAS: sha256 → size of the files in use, so kernels sharing a squashfs count it once */
  file_sizes?: Record<string, number>
}

export interface ImportProgress {
  importing: boolean
  phase: 'idle' | 'metadata' | 'planning' | 'downloading' | 'finishing'
  bytes_done: number
  bytes_total: number
  /** bytes per second, smoothed */
  rate: number
  /** seconds, null when unknown */
  eta: number | null
  files_done: number
  files_total: number
  resources: Array<{ id: number; name: string; architecture: string; percent: number; status: string }>
  /** files being downloaded right now ("<product> <item>"), at most 16; absent when none */
  active_files?: Array<{ label: string; sha256: string; bytes_done: number; size: number }>
}

export interface ImportResult {
  ok: boolean
  started_at: string
  finished_at: string
  downloaded_bytes: number
  /** one line per failed resource or file, naming it and the cause */
  failures: Array<{ resource?: string; file?: string; code: string; message: string }>
  notes: string[]
  stopped: boolean
}

export interface ImportStatus {
  importing: boolean
  progress: ImportProgress | null
  last_result: ImportResult | null
  /** ISO time of the next automatic sync; null when auto sync is off or the app is not running */
  next_sync_at: string | null
}

export interface AppInfo {
  name: string
  version: string
  data_dir: string
  /** the keyring a maas.io source uses: the system's cloud-image keyring, else the bundled copy */
  default_keyring: string
  /** which transport the renderer is using */
  transport: 'electron' | 'websocket'
}
