/**
 * Proxy passwords in a real Secret Service (gnome-keyring in a D-Bus session of the test's own), and in the
 * 0600 settings.json when the session has no usable keyring. The child (proxy-keyring-child.ts) does the
 * steps; this file checks what it saw. Needs dbus-run-session and gnome-keyring-daemon: missing as root is a
 * failure, as another user a skip.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { keyringSessionMissing, runWithKeyring } from '../support/keyring-session'

const missing = keyringSessionMissing()
const PASSWORD = 'p:ss@w0rd-Kr'
const NEW_PASSWORD = 'n3w:p@ss-Kr'
const encoded = (pw: string) => encodeURIComponent(pw)

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'maas-images-keyring-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

interface CliRun {
  code: number
  stdout: string
  stderr: string
}

describe.skipIf(missing)(`proxy passwords and the system keyring${missing ? ` (${missing})` : ''}`, () => {
  it('moves a clear password into the Secret Service, keeps it there, and names it when it is gone', async () => {
    const child = join(__dirname, 'proxy-keyring-child.ts')
    const run = await runWithKeyring(child, [dir, PASSWORD, NEW_PASSWORD])
    expect(run.code, run.stderr).toBe(0)
    for (const secret of [PASSWORD, NEW_PASSWORD, encoded(PASSWORD), encoded(NEW_PASSWORD)])
      expect(run.stderr).not.toContain(secret)
    const facts = JSON.parse(run.stdout)

    // Migration: the file keeps the user only, the keyring the password, and they say so.
    const keyringLine = 'Proxy password: kept in the system keyring (Secret Service)'
    expect(facts.migrated.keyring).toBe(PASSWORD)
    expect(JSON.parse(facts.migrated.file)).toEqual({
      proxy: { http_proxy: 'http://admin@proxy.lan:3128/' },
      proxy_keyring: { http_proxy: expect.stringMatching(/^[0-9a-f-]{36}$/) }
    })
    expect(facts.migrated.shown.proxy.http_proxy).toBe('http://admin:********@proxy.lan:3128/')
    expect(facts.migrated.shown.proxy_password_storage).toEqual({ where: 'keyring', message: keyringLine })
    expect(facts.read).toBe(`http://admin:${encoded(PASSWORD)}@proxy.lan:3128/`)
    expect(facts.cliRead.code).toBe(0)
    expect(JSON.parse(facts.cliRead.stdout).proxy_password_storage.message).toBe(keyringLine)

    // The mask sent back keeps the keyring's password; to another host it is refused.
    expect(facts.maskedBack.keyring).toBe(PASSWORD)
    expect(JSON.parse(facts.maskedBack.file)).toMatchObject({ connections: 4 })
    expect(facts.maskedToAnotherHost.result.message).toMatch(/type the password again/)

    // A new password replaces the entry; a URL without one deletes it.
    expect(facts.newPassword.keyring).toBe(NEW_PASSWORD)
    expect(facts.newPassword.sameAccount).toBe(true)
    expect(JSON.parse(facts.cleared.file)).toEqual({
      connections: 4,
      proxy: { http_proxy: 'http://proxy.lan:3128/' }
    })
    expect(facts.cleared.oldEntry).toBeNull()

    // An entry deleted behind the app's back: named, with what to do, on read, on screen and by an import.
    const gone =
      /the http_proxy password is no longer in the system keyring \(Secret Service\); unlock the keyring, or type the http_proxy password again/
    expect(facts.entryGone.read).toMatchObject({
      code: 'credential_store',
      message: expect.stringMatching(gone)
    })
    expect(facts.entryGone.shown.proxy_password_storage.message).toMatch(gone)
    expect(facts.entryGone.importCli.code).toBe(1)
    expect(facts.entryGone.importCli.stderr).toMatch(gone)

    const outputs: CliRun[] = [
      facts.cliRead,
      facts.newPassword.cli,
      facts.cleared.cli,
      facts.entryGone.importCli
    ]
    // What the CLI printed and what main answered: never a password, in any form.
    for (const text of [
      ...outputs.flatMap((o) => [o.stdout, o.stderr]),
      JSON.stringify([
        facts.migrated.shown,
        facts.maskedToAnotherHost,
        facts.entryGone.read,
        facts.entryGone.shown
      ])
    ])
      for (const secret of [PASSWORD, NEW_PASSWORD, encoded(PASSWORD), encoded(NEW_PASSWORD)])
        expect(text).not.toContain(secret)
    for (const file of [
      facts.migrated.file,
      facts.maskedBack.file,
      facts.newPassword.file,
      facts.cleared.file
    ])
      for (const secret of [PASSWORD, NEW_PASSWORD, encoded(PASSWORD), encoded(NEW_PASSWORD)])
        expect(file).not.toContain(secret)
  })

  it('keeps the password in the 0600 settings.json where the session has no usable keyring, and says why', async () => {
    const settings = join(dir, 'settings.json')
    const url = `http://admin:${encoded(PASSWORD)}@proxy.lan:3128/`
    writeFileSync(settings, JSON.stringify({ proxy: { http_proxy: url } }), { mode: 0o600 })
    const cli = join(__dirname, '../../src/main/cli.ts')
    const run = await runWithKeyring(cli, ['--data-dir', dir, 'settings', 'read'], { keyring: false })
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).not.toContain(encoded(PASSWORD))
    expect(JSON.parse(run.stdout).proxy_password_storage).toEqual({
      where: 'file',
      message: expect.stringMatching(
        /^Proxy password: kept in settings\.json \(mode 0600\): no system keyring on this machine \(.+\)$/
      )
    })
    expect(JSON.parse(readFileSync(settings, 'utf8')).proxy.http_proxy).toBe(url)
    expect(statSync(settings).mode & 0o777).toBe(0o600)
  })
})
