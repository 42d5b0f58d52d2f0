/**
 * Run by proxy-keyring.system.test.ts inside a D-Bus session (test/support/keyring-session.ts): walks a
 * proxy password through the app's settings with whatever Secret Service the session has, and prints what
 * it saw as one JSON line: settings.json after each step, the keyring's entry, what the CLI printed.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { AsyncEntry } from '@napi-rs/keyring'
import { createMainServices } from '../../src/main/services'
import { KEYRING_SERVICE } from '../../src/main/core/system-keyring'
import { toErrorShape } from '@shared/errors'
import { cli } from '../cli/cli-helpers'
import { printFacts } from '../support/child-facts'

const [dataDir, password, newPassword] = process.argv.slice(2)
const settingsFile = join(dataDir, 'settings.json')
const proxyWith = (pw: string) => `http://admin:${encodeURIComponent(pw)}@proxy.lan:3128/`

const file = () => readFileSync(settingsFile, 'utf8')
const account = (): string | undefined => JSON.parse(file()).proxy_keyring?.http_proxy
const entry = (name: string) => new AsyncEntry(KEYRING_SERVICE, name, { linux: { store: 'secret-service' } })
const inKeyring = async (name = account()) => (name ? entry(name).getPassword() : null)
const failure = (err: unknown) => toErrorShape(err)

async function main(): Promise<Record<string, unknown>> {
  writeFileSync(settingsFile, JSON.stringify({ proxy: { http_proxy: proxyWith(password) } }), { mode: 0o600 })
  const app = await createMainServices({ dataDir, version: '0', host: 'cli' })
  const facts: Record<string, unknown> = {}

  const shown = await app.services.getSettings(undefined)
  facts.migrated = { shown, file: file(), keyring: await inKeyring() }
  facts.read = (await app.settings.read()).proxy.http_proxy
  facts.cliRead = await cli(dataDir, 'settings', 'read')

  await app.services.updateSettings({ connections: 4, proxy: { http_proxy: shown.proxy.http_proxy } })
  facts.maskedBack = { file: file(), keyring: await inKeyring() }
  const movedTo = await app.services
    .updateSettings({ proxy: { http_proxy: shown.proxy.http_proxy.replace('proxy.lan', 'evil.example') } })
    .catch(failure)
  facts.maskedToAnotherHost = { result: movedTo, file: file() }

  const first = account()
  facts.newPassword = {
    cli: await cli(dataDir, 'settings', 'update', `http_proxy=${proxyWith(newPassword)}`),
    file: file(),
    keyring: await inKeyring(),
    sameAccount: account() === first
  }

  facts.cleared = {
    cli: await cli(dataDir, 'settings', 'update', 'http_proxy=http://proxy.lan:3128/'),
    file: file(),
    oldEntry: first ? await inKeyring(first) : 'no account'
  }

  await app.services.updateSettings({ proxy: { http_proxy: proxyWith(password) } })
  await entry(account()!).deleteCredential()
  facts.entryGone = {
    read: await app.settings.read().then(() => 'read without its password', failure),
    shown: await app.services.getSettings(undefined).catch(failure),
    importCli: await cli(dataDir, 'boot-resources', 'import', '--wait')
  }
  await app.dispose()
  return facts
}

printFacts(main)
