/**
 * Data shapes shared by main, the renderer and the CLI.
 * Field names follow the MAAS API/CLI JSON (snake_case) wherever MAAS has the same thing,
 * so admins' scripts carry over.
 */
import type { z } from 'zod'
import type { proxySchema, settingsSchema } from './schemas'
import type {
  bootSourceSchema,
  bootSourceSelectionSchema,
  importProgressSchema,
  importResultSchema
} from './entity-schemas'

/** The entities, as their schemas (src/shared/entity-schemas.ts) define them: one definition each. */
export type BootSource = z.output<typeof bootSourceSchema>
export type BootSourceSelection = z.output<typeof bootSourceSelectionSchema>
export type ImportProgress = z.output<typeof importProgressSchema>
export type ImportResult = z.output<typeof importResultSchema>

/** Where a read-back read a file from: the drive itself, or the system cache (which may hold what was written). */
export type ReadBackSource = 'medium' | 'cache'

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
  /** filled by --deep: item checksum results; `missing` marks items this mirror does not hold by design */
  items?: Array<{ path: string; ok: boolean; missing?: boolean; problem?: string }>
  /** --deep: bytes of the item files read and found good */
  bytes_checked?: number
  /** --deep: items absent by design (not staged, filtered mirror); they do not fail the report */
  missing_by_design?: number
  /** --deep: items present but wrong, or staged and then lost; any makes ok false */
  corrupt?: number
  /**
   * --deep on a local mirror: 'medium' when every item file was read from the drive itself, 'cache' when at
   * least one was read through the system cache (which can still hold bytes the drive did not keep)
   */
  read_back?: ReadBackSource
  problems: string[]
}

/** The settings, as their schema (src/shared/schemas.ts) defines them: one definition, not two. */
export type ProxySettings = z.output<typeof proxySchema>
export type Settings = z.output<typeof settingsSchema>

/** Where proxy passwords are kept, as `settings read` and the Settings screen say. */
export interface ProxyPasswordStorage {
  /** keyring: the operating system's credential store; file: settings.json, readable only by its owner */
  where: 'keyring' | 'file'
  /** one line for an admin, e.g. "Proxy password: kept in the system keyring (Secret Service)" */
  message: string
}

/** The settings as main shows them to the renderer and the CLI: proxy passwords masked, and where they are. */
export type ShownSettings = Settings & { proxy_password_storage: ProxyPasswordStorage }

export interface BootResourceFile {
  filename: string
  filetype: string
  sha256: string
  size: number
  complete: boolean
  progress: number
  /** the file's name in the cache (its sha256); present on `boot-resource read` */
  filename_on_disk?: string
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

export interface ImportStatus {
  importing: boolean
  progress: ImportProgress | null
  last_result: ImportResult | null
  /** ISO time of the next automatic sync; null when auto sync is off or the app is not running */
  next_sync_at: string | null
}

/**
 * The front end main runs in. Only 'app' runs the hourly automatic sync; the renderer talks over IPC
 * in 'app' and over the loopback WebSocket in 'test-bridge'.
 */
export type Host = 'app' | 'cli' | 'test-bridge'

export interface AppInfo {
  name: string
  version: string
  data_dir: string
  /** the keyring a maas.io source uses: the system's cloud-image keyring, else the bundled copy */
  default_keyring: string
  /** which front end hosts main: the desktop app, the CLI, or the browser-mode test bridge */
  host: Host
}

/** A drive to stage onto (`maas-images drives`). */
export interface Drive {
  device: string
  label: string
  /** file system type as the OS names it (vfat, exfat, ntfs, ext4, …) */
  fs_type: string
  mount: string
  size: number
  /** null when the OS does not report it */
  free: number | null
  removable: boolean
  model: string
  /** on the disk that holds the operating system (hidden unless the admin asks for system and internal drives) */
  system: boolean
}

/** Staging's space figure, computed once in main for the plan and the refusal alike. */
export interface SpaceFigures {
  /** bytes staging writes (files missing or different on the target) plus room for its own small files */
  needed: number
  /** bytes removing the previous staging's files that this one does not keep frees */
  freed: number
  /** null when the file system does not report free space */
  free: number | null
  /** how many more bytes are needed than free + freed; 0 when it fits (or free is not reported) */
  short_by: number
}

/** An image the admin may choose to stage: release × architecture, as the Images table shows it. */
export interface StagingChoice {
  os: string
  release: string
  arch: string
  bytes: number
}

/** What staging a source onto a target needs, shown before the user starts. */
export interface StagingPlan extends SpaceFigures {
  target: string
  /** every image of the source that can be staged, whether chosen or not */
  choices: StagingChoice[]
  images: Array<{ name: string; architecture: string; version: string; bootloader: boolean }>
  files: number
  /** bytes of every file of the chosen images (before skipping what is already there) */
  bytes: number
  /** files of the previous staging on the target that this one does not keep, removed once it is verified */
  stale_files: number
  /** the target is on the disk holding the operating system, not on a stick */
  system_drive: boolean
  file_system: string
  mapped_names: boolean
  /** FAT32 only: files too big for it, named with their size */
  too_big: string[]
}

export interface StageProgress {
  phase: 'checking' | 'copying' | 'done'
  files_done: number
  files_total: number
  bytes_done: number
  bytes_total: number
  /** bytes per second since copying began */
  rate: number
  eta: number | null
  current?: string
}

export interface StageResult {
  target: string
  file_system: string
  mapped_names: boolean
  images: StagingPlan['images']
  files: number
  files_copied: number
  files_skipped: number
  bytes: number
  bytes_copied: number
  /** files of the previous staging this one did not keep, removed after the new files were verified */
  removed_files: number
  removed_bytes: number
  /**
   * Where the read-back after writing (and the check of files already there) read from: 'medium' when every
   * file was read from the drive itself, bypassing the system cache; 'cache' when at least one could only be
   * read through the system cache, which may still hold the bytes written rather than those stored.
   */
  read_back: ReadBackSource
  seconds: number
}

export interface StagingStatus {
  staging: boolean
  target: string | null
  progress: StageProgress | null
  last_result: StageResult | null
  last_error: { code: string; message: string; detail?: string } | null
}

/** The app's mirror server (`maas-images serve`): off unless the user turns it on. */
export interface ServingStatus {
  serving: boolean
  /** what a MAAS region uses as its boot source URL (with the workstation's address when on the LAN) */
  url: string | null
  /** the address it listens on: 127.0.0.1 (this machine only) or 0.0.0.0 (the network) */
  address: string | null
  port: number | null
  boot_source_id: number | null
  /** what is served, in words: "the image cache of boot source 1 (…)" or a staged directory */
  label: string | null
  /** the folder served (`serve dir=`), null for a boot source's cache */
  dir: string | null
  /**
   * why serving stopped by itself (the folder was ejected, unmounted or replaced), naming the folder and the
   * cause; null while serving, and after a stop or start by the admin
   */
  stopped_reason: string | null
}
