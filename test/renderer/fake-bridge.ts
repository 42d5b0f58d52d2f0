/**
 * A fake Bridge for component tests: every request is a vi.fn with a harmless default (empty
 * lists, default settings) that a test overrides, and `emit` plays main's events.
 */
import { notServing } from '@shared/serving-status'
import { vi, type Mock } from 'vitest'
import type { Bridge, EventMap, EventName, RequestInput } from '@shared/ipc-contract'
import { BridgeError } from '@shared/bridge-client'
import type { BootSource, BootSourceSelection, Catalogue, CatalogueEntry, ShownSettings } from '@shared/types'

type Requests = Omit<Bridge, 'on'>
export type FakeBridge = { [K in keyof Requests]: Mock<Requests[K]> } & {
  on: Bridge['on']
  emit<E extends EventName>(event: E, payload: EventMap[E]): void
  listeners: Map<EventName, Set<(payload: unknown) => void>>
}

export const defaultSettings = (): ShownSettings => ({
  auto_sync: true,
  start_at_login: false,
  sync_interval_minutes: 60,
  connections: 8,
  proxy: { http_proxy: '', https_proxy: '', no_proxy: '' },
  commissioning_distro_series: 'noble',
  proxy_password_storage: {
    where: 'keyring',
    message: 'Proxy password: none stored; one would be kept in the system keyring (Secret Service)'
  }
})

export function source(over: Partial<BootSource> = {}): BootSource {
  return {
    id: 1,
    url: 'https://images.maas.io/ephemeral-v3/stable/',
    keyring_filename: '/usr/share/keyrings/ubuntu-cloudimage-keyring.gpg',
    keyring_data: '',
    created: '2025-08-01T10:00:00.000Z',
    updated: '2025-08-01T10:00:00.000Z',
    ...over
  }
}

export function selection(over: Partial<BootSourceSelection> = {}): BootSourceSelection {
  return {
    id: 1,
    boot_source_id: 1,
    os: 'ubuntu',
    release: 'noble',
    arches: ['amd64'],
    subarches: ['*'],
    labels: ['*'],
    ...over
  }
}

export function entry(over: Partial<CatalogueEntry>): CatalogueEntry {
  return {
    group: 'ubuntu',
    product_name: 'p',
    content_id: 'com.ubuntu.maas:stable:v3:download',
    os: 'ubuntu',
    release: 'noble',
    release_title: '24.04 LTS',
    arch: 'amd64',
    subarch: 'ga-24.04',
    subarches: 'generic,ga-24.04',
    kflavor: 'generic',
    label: 'stable',
    support_eol: '2029-05-31',
    latest_version: '20250805',
    size: 500_000_000,
    ...over
  }
}

/** noble and jammy on amd64 + arm64 with GA/HWE kernels, CentOS 7 on amd64, one bootloader. */
export function catalogue(over: Partial<Catalogue> = {}): Catalogue {
  const ubuntu = (release: string, title: string, v: string) =>
    ['amd64', 'arm64'].flatMap((arch) => [
      entry({ release, release_title: title, arch, subarch: `ga-${v}` }),
      entry({ release, release_title: title, arch, subarch: `hwe-${v}` }),
      entry({ release, release_title: title, arch, subarch: `hwe-${v}-edge` })
    ])
  return {
    source_id: 1,
    url: 'https://images.maas.io/ephemeral-v3/stable/',
    verified: true,
    signatures: [],
    fetched_at: '2025-08-05T10:00:00.000Z',
    entries: [
      ...ubuntu('noble', '24.04 LTS', '24.04'),
      ...ubuntu('jammy', '22.04 LTS', '22.04'),
      entry({
        group: 'other',
        os: 'centos',
        release: 'centos70',
        release_title: 'CentOS 7',
        subarch: 'generic'
      }),
      entry({
        group: 'bootloader',
        os: 'grub-efi-signed',
        release: '',
        release_title: '',
        subarch: '',
        bootloader_type: 'uefi'
      })
    ],
    ...over
  }
}

export function createFakeBridge(): FakeBridge {
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>()
  const notWired = (name: string) => () => Promise.reject(new BridgeError('internal', `${name} not faked`))
  const fake = {
    getAppInfo: vi.fn(async () => ({
      name: 'MAAS Images',
      version: '0.1.0',
      data_dir: '/home/admin/.config/maas-images',
      default_keyring: '/usr/share/keyrings/ubuntu-cloudimage-keyring.gpg',
      host: 'app' as const
    })),
    listBootSources: vi.fn(async () => [source()]),
    getBootSource: vi.fn(notWired('getBootSource')),
    createBootSource: vi.fn(notWired('createBootSource')),
    updateBootSource: vi.fn(notWired('updateBootSource')),
    deleteBootSource: vi.fn(async () => undefined),
    connectSource: vi.fn(async (arg: RequestInput<'connectSource'>) => ({
      connection_id: '6f1c1c57-0000-4000-8000-000000000001',
      source_id: arg.id ?? null,
      url: arg.url,
      keyring_filename: arg.keyring_filename ?? '',
      keyring_data: arg.keyring_data ?? '',
      changed: true,
      catalogue: catalogue({ source_id: arg.id ?? 0, url: arg.url })
    })),
    saveConnectedSource: vi.fn(async (arg: RequestInput<'saveConnectedSource'>) => ({
      source: source(),
      applied: {
        created: arg.create?.length ?? 0,
        updated: arg.update?.length ?? 0,
        deleted: arg.delete?.length ?? 0,
        selections: []
      }
    })),
    listSelections: vi.fn(async () => [selection()]),
    createSelection: vi.fn(notWired('createSelection')),
    updateSelection: vi.fn(notWired('updateSelection')),
    deleteSelection: vi.fn(async () => undefined),
    applySelectionChanges: vi.fn(async (arg: RequestInput<'applySelectionChanges'>) => ({
      created: arg.create?.length ?? 0,
      updated: arg.update?.length ?? 0,
      deleted: arg.delete?.length ?? 0,
      selections: []
    })),
    getCatalogue: vi.fn(async () => catalogue()),
    verifyMirror: vi.fn(notWired('verifyMirror')),
    cancelRequest: vi.fn(async () => ({ cancelled: false })),
    getSelection: vi.fn(notWired('getSelection')),
    runImport: vi.fn(notWired('runImport')),
    listBootResources: vi.fn(async () => []),
    getBootResource: vi.fn(notWired('getBootResource')),
    deleteBootResource: vi.fn(async () => undefined),
    startImport: vi.fn(async () => ({ started: true, message: 'Import of boot resources started' })),
    stopImport: vi.fn(async () => ({ stopping: true, message: 'Import of boot resources is being stopped' })),
    restartImport: vi.fn(async () => ({
      importing: true,
      progress: null,
      last_result: null,
      next_sync_at: null
    })),
    getImportStatus: vi.fn(async () => ({
      importing: false,
      progress: null,
      last_result: null,
      next_sync_at: null
    })),
    getSettings: vi.fn(async () => defaultSettings()),
    updateSettings: vi.fn(notWired('updateSettings')),
    openExternal: vi.fn(async () => undefined),
    pickKeyringFile: vi.fn(async () => ({ path: null })),
    pickDirectory: vi.fn(async () => ({ path: null })),
    listDrives: vi.fn(async () => []),
    listStagingChoices: vi.fn(async () => [
      { os: 'ubuntu', release: 'noble', arch: 'amd64', bytes: 2_000_000 }
    ]),
    planStaging: vi.fn(notWired('planStaging')),
    ejectDrive: vi.fn(notWired('ejectDrive')),
    startStaging: vi.fn(async () => ({ started: true, message: 'Staging started' })),
    stopStaging: vi.fn(async () => ({ stopping: true, message: 'Staging is being stopped' })),
    getStagingStatus: vi.fn(async () => ({
      staging: false,
      target: null,
      progress: null,
      last_result: null,
      last_error: null
    })),
    startServing: vi.fn(notWired('startServing')),
    stopServing: vi.fn(async () => (notServing())),
    getServingStatus: vi.fn(async () => (notServing())),
    listeners,
    on(event: EventName, listener: (payload: unknown) => void) {
      let set = listeners.get(event)
      if (!set) listeners.set(event, (set = new Set()))
      set.add(listener)
      return () => set!.delete(listener)
    },
    emit(event: EventName, payload: unknown) {
      for (const l of listeners.get(event) ?? []) l(payload)
    }
  }
  return fake as unknown as FakeBridge
}
