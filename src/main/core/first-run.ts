/**
 * What MAAS creates on a new region: the stable stream with the cloud-image keyring, and a selection
 * of the newest LTS for amd64. Done once per data directory; deleting them later is respected.
 */
import { existsSync } from 'node:fs'
import type { StateStore } from './state-store'

export const DEFAULT_SOURCE_URL = 'https://images.maas.io/ephemeral-v3/stable/'
export const SYSTEM_KEYRING = '/usr/share/keyrings/ubuntu-cloudimage-keyring.gpg'
/** Newest Ubuntu LTS, as MAAS selects on first run. */
export const DEFAULT_RELEASE = 'noble'

/** The system keyring where the distribution ships it, otherwise the copy bundled with the app. */
export function defaultKeyringPath(
  bundledKeyring: string,
  exists: (p: string) => boolean = existsSync
): string {
  return exists(SYSTEM_KEYRING) ? SYSTEM_KEYRING : bundledKeyring
}

export async function ensureFirstRun(
  store: StateStore,
  keyringPath: string,
  now = new Date()
): Promise<void> {
  const current = await store.read()
  if (current.initialized) return
  await store.update((state) => {
    if (state.initialized) return
    const stamp = now.toISOString()
    const sourceId = state.next_ids.source++
    state.sources.push({
      id: sourceId,
      url: DEFAULT_SOURCE_URL,
      keyring_filename: keyringPath,
      keyring_data: '',
      created: stamp,
      updated: stamp
    })
    state.selections.push({
      id: state.next_ids.selection++,
      boot_source_id: sourceId,
      os: 'ubuntu',
      release: DEFAULT_RELEASE,
      arches: ['amd64'],
      subarches: ['*'],
      labels: ['*']
    })
    state.initialized = true
  })
}
