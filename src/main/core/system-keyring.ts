/**
 * The operating system's credential store (Secret Service on Linux, Keychain on macOS, Credential Manager on
 * Windows), where proxy passwords are kept instead of settings.json when there is one.
 *
 * Through `@napi-rs/keyring`: prebuilt N-API binaries, so the same package loads in Electron's main process and
 * in the plain-Node CLI, which must read what the app stored (Electron's safeStorage cannot be decrypted
 * outside Electron). Loaded lazily: a machine without the binary, or without a store, keeps passwords in the
 * 0600 settings.json and says so.
 */
import { AppError } from '@shared/errors'
import { requireNative } from './native-module'

export interface SystemKeyring {
  /** what the store is called, for messages: "Secret Service", "Keychain", "Credential Manager" */
  readonly name: string
  get(account: string): Promise<string | null>
  /** Stores the password and reads it back: resolves only once the store holds exactly this password. */
  set(account: string, password: string): Promise<void>
  delete(account: string): Promise<void>
}

export type KeyringProbe = { ok: true; keyring: SystemKeyring } | { ok: false; why: string }

/** The service every entry is filed under (what Seahorse, Keychain Access and Credential Manager show). */
export const KEYRING_SERVICE = 'MAAS Images proxy password'

/** Set to "off" to keep proxy passwords in settings.json even where a credential store exists. */
export const KEYRING_SWITCH = 'MAAS_IMAGES_KEYRING'

// A desktop keyring may ask the user to unlock it; past this the call is given up and reported.
const CALL_TIMEOUT_MS = 60_000

type KeyringModule = typeof import('@napi-rs/keyring')

let loaded: KeyringModule | undefined

function storeName(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return 'Keychain'
  if (platform === 'win32') return 'Credential Manager'
  return 'Secret Service'
}

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

class NapiKeyring implements SystemKeyring {
  readonly name = storeName(process.platform)
  constructor(private readonly mod: KeyringModule) {}

  private entry(account: string): InstanceType<KeyringModule['AsyncEntry']> {
    // On Linux the library would fall back to the kernel keyring (keyutils), which forgets everything at
    // logout or reboot: only the Secret Service keeps a password across sessions, so it is required.
    return new this.mod.AsyncEntry(KEYRING_SERVICE, account, { linux: { store: 'secret-service' } })
  }

  private async call<T>(what: string, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
    try {
      return await run(AbortSignal.timeout(CALL_TIMEOUT_MS))
    } catch (err) {
      throw new AppError(
        'credential_store',
        `the system keyring (${this.name}) could not ${what}: ${reason(err)}`,
        {
          cause: err
        }
      )
    }
  }

  get(account: string): Promise<string | null> {
    return this.call('read a password', (signal) => this.entry(account).getPassword(signal))
  }

  async set(account: string, password: string): Promise<void> {
    await this.call('store a password', (signal) => this.entry(account).setPassword(password, signal))
    const back = await this.get(account)
    if (back !== password)
      throw new AppError(
        'credential_store',
        `the system keyring (${this.name}) did not keep the password it was given`
      )
  }

  async delete(account: string): Promise<void> {
    await this.call('delete a password', (signal) => this.entry(account).deleteCredential(signal))
  }
}

/** The system keyring's library, or why there is none; no call to the store is made yet. */
export async function loadSystemKeyring(env: NodeJS.ProcessEnv = process.env): Promise<KeyringProbe> {
  if (env[KEYRING_SWITCH]?.toLowerCase() === 'off')
    return { ok: false, why: `the system keyring is turned off (${KEYRING_SWITCH}=off)` }
  try {
    loaded ??= requireNative('@napi-rs/keyring') as KeyringModule
    return { ok: true, keyring: new NapiKeyring(loaded) }
  } catch (err) {
    loaded = undefined
    return { ok: false, why: `no system keyring library for this platform (${reason(err)})` }
  }
}

/**
 * The system keyring if it can store a password now. The probe writes, reads back and deletes an entry: a
 * locked or absent collection still answers reads (with "no password").
 */
export async function probeSystemKeyring(env: NodeJS.ProcessEnv = process.env): Promise<KeyringProbe> {
  const loaded = await loadSystemKeyring(env)
  if (!loaded.ok) return loaded
  try {
    await loaded.keyring.set(PROBE_ACCOUNT, `probe-${process.pid}-${Date.now()}`)
    await loaded.keyring.delete(PROBE_ACCOUNT)
  } catch (err) {
    return { ok: false, why: `no system keyring on this machine (${reason(err)})` }
  }
  return loaded
}

const PROBE_ACCOUNT = 'probe'
