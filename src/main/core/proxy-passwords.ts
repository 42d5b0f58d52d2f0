/**
 * Where the proxy passwords of settings.json live. With a system keyring (system-keyring.ts) each password is
 * filed there under a random account named in settings.json (`proxy_keyring`), and the proxy URL in the file
 * keeps only the user; without one, the password stays in the URL in settings.json (mode 0600, as the data
 * directory is). A password found in the file is moved into the keyring once the keyring has confirmed it.
 */
import { randomUUID } from 'node:crypto'
import type { z } from 'zod'
import type { ProxyPasswordStorage } from '@shared/types'
import type { storedSettingsPatchSchema } from '@shared/schemas'
import { AppError } from '@shared/errors'
import { joinProxyPassword, splitProxyPassword } from '@shared/proxy-url'
import { rememberSecret } from '@shared/scrub-secrets'
import type { KeyringProbe } from './system-keyring'

export type StoredSettings = z.infer<typeof storedSettingsPatchSchema>
export type ProxyKey = 'http_proxy' | 'https_proxy'
export const PROXY_URL_FIELDS: readonly ProxyKey[] = ['http_proxy', 'https_proxy']

export type OpenKeyring = () => Promise<KeyringProbe>

/** The password written in a proxy URL, decoded; '' when there is none. */
export function passwordIn(raw: string | undefined): string {
  return raw?.trim() ? splitProxyPassword(raw).password : ''
}

export function keyringAccount(doc: StoredSettings, key: ProxyKey): string | undefined {
  return doc.proxy_keyring?.[key]
}

function setAccount(doc: StoredSettings, key: ProxyKey, account: string | undefined): void {
  const accounts = { ...(doc.proxy_keyring ?? {}) }
  if (account) accounts[key] = account
  else delete accounts[key]
  if (Object.keys(accounts).length) doc.proxy_keyring = accounts
  else delete doc.proxy_keyring
}

/** A URL with `password` put back in (the URL in the file has its user, so this cannot fail). */
export function withPassword(raw: string, password: string): string {
  const joined = joinProxyPassword(raw, password)
  return 'value' in joined ? joined.value : raw
}

/**
 * The passwords filed in the keyring, by field. A password that cannot be had is an error naming the field
 * and what to do: connecting without it would only earn a 407 that says less.
 */
export async function keyringPasswords(
  doc: StoredSettings,
  open: OpenKeyring
): Promise<Partial<Record<ProxyKey, string>>> {
  const out: Partial<Record<ProxyKey, string>> = {}
  const wanted = PROXY_URL_FIELDS.filter((key) => keyringAccount(doc, key))
  if (!wanted.length) return out
  const store = await open()
  for (const key of wanted) {
    const fix = `unlock the keyring, or type the ${key} password again in Settings (or maas-images settings update ${key}=URL)`
    if (!store.ok)
      throw new AppError(
        'credential_store',
        `the ${key} password is kept in the system keyring, but ${store.why}; ${fix}`
      )
    let password: string | null
    try {
      password = await store.keyring.get(keyringAccount(doc, key)!)
    } catch (err) {
      throw new AppError('credential_store', `the ${key} password: ${(err as Error).message}; ${fix}`, {
        cause: err
      })
    }
    if (password === null)
      throw new AppError(
        'credential_store',
        `the ${key} password is no longer in the system keyring (${store.keyring.name}); ${fix}`
      )
    rememberSecret(password)
    out[key] = password
  }
  return out
}

/**
 * Moves every password written in a proxy URL of `doc` into the keyring, in place. A password leaves the URL
 * only once the keyring holds it (set() reads it back); one the keyring refuses stays in the file, and so does
 * every password when there is no keyring. Returns why the keyring could not take them, if it was needed.
 */
export async function moveFilePasswords(doc: StoredSettings, open: OpenKeyring): Promise<string | undefined> {
  const clear = PROXY_URL_FIELDS.filter((key) => passwordIn(doc.proxy?.[key]))
  if (!clear.length) return undefined
  const store = await open()
  let refused = store.ok ? undefined : store.why
  for (const key of clear) {
    const raw = doc.proxy![key]!
    // The file's password is the one in use: an account it overrides is dropped (it would never be read).
    const account = keyringAccount(doc, key) ?? randomUUID()
    setAccount(doc, key, undefined)
    if (!store.ok) continue
    try {
      await store.keyring.set(account, passwordIn(raw))
    } catch (err) {
      refused = (err as Error).message
      continue
    }
    doc.proxy = { ...doc.proxy, [key]: splitProxyPassword(raw).url }
    setAccount(doc, key, account)
  }
  return refused
}

/** Forgets the keyring entry of a field whose password is gone (cleared, or replaced by one in the file). */
export async function dropAccount(doc: StoredSettings, key: ProxyKey, open: OpenKeyring): Promise<void> {
  const account = keyringAccount(doc, key)
  if (!account) return
  setAccount(doc, key, undefined)
  const store = await open()
  // An entry that cannot be deleted now is unreachable: nothing names its account any more.
  if (store.ok) await store.keyring.delete(account).catch(() => undefined)
}

/** Says where the passwords of `doc` are (or where a new one would go), in the words the CLI and the screen show. */
export async function describeStorage(
  doc: StoredSettings,
  probe: OpenKeyring
): Promise<ProxyPasswordStorage> {
  const inFile = PROXY_URL_FIELDS.some((key) => passwordIn(doc.proxy?.[key]))
  const inKeyring = PROXY_URL_FIELDS.some((key) => keyringAccount(doc, key))
  if (inKeyring && !inFile) {
    // Read back, so that the screen says so when the keyring is locked or the entry was deleted.
    const store = await probe()
    try {
      await keyringPasswords(doc, async () => store)
    } catch (err) {
      return { where: 'keyring', message: `Proxy password: ${(err as Error).message}` }
    }
    const name = store.ok ? ` (${store.keyring.name})` : ''
    return { where: 'keyring', message: `Proxy password: kept in the system keyring${name}` }
  }
  const store = await probe()
  const none = !inFile && !inKeyring
  if (store.ok)
    return {
      where: 'keyring',
      message: none
        ? `Proxy password: none stored; one would be kept in the system keyring (${store.keyring.name})`
        : `Proxy password: kept in the system keyring (${store.keyring.name})`
    }
  return {
    where: 'file',
    message: `Proxy password: ${none ? 'none stored; one would be kept' : 'kept'} in settings.json (mode 0600): ${store.why}`
  }
}
