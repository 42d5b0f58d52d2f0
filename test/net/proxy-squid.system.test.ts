/**
 * An import through a real squid with basic auth, the password holding ':' and '@' and coming from the
 * system keyring (gnome-keyring in the child's own D-Bus session): the stream and every image file pass
 * through squid, resumed downloads included (Range requests answered 206), and a wrong password is named
 * (407) without the password showing anywhere. Needs squid, apache2-utils, dbus-run-session and
 * gnome-keyring: missing as root is a failure, as another user a skip.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { keyringSessionMissing, runWithKeyring } from '../support/keyring-session'
import { squidMissing, startSquid, type Squid } from '../support/squid'
import { streamEnv, type StreamEnv } from '../import/engine-fixture'

const missing = squidMissing() ?? keyringSessionMissing()
const USER = 'maas'
const PASSWORD = 'pr0xy:s3cr@t'
const WRONG = 'wr0ng:s3cr@t'
// A name only squid can resolve (its hosts file): a request that reached the server went through squid.
const HOST = 'images.squid.test'

let env: StreamEnv
let squid: Squid
let data: string
beforeAll(async () => {
  if (missing) return
  env = await streamEnv(0.005, ['noble'])
  // Every third image response is cut half way: its download resumes with a Range request.
  env.server.options.cutEveryNth = 3
  squid = await startSquid({ user: USER, password: PASSWORD, hosts: { [HOST]: '127.0.0.1' } })
  data = await mkdtemp(join(tmpdir(), 'maas-images-squid-data-'))
})
afterAll(async () => {
  await squid?.close()
  await env?.close()
  if (data) await rm(data, { recursive: true, force: true })
})

const proxyWith = (password: string) =>
  `http://${USER}:${encodeURIComponent(password)}@127.0.0.1:${squid.port}/`

describe.skipIf(missing)(`import through squid with basic auth${missing ? ` (${missing})` : ''}`, () => {
  it('imports with the keyring password, Range requests included, and names a wrong one (407) without leaking it', async () => {
    const source = `http://${HOST}:${env.server.port}/`
    const run = await runWithKeyring(join(__dirname, 'proxy-squid-child.ts'), [
      data,
      source,
      env.gen.keyringPath,
      proxyWith(PASSWORD),
      proxyWith(WRONG)
    ])
    expect(run.code, run.stderr).toBe(0)
    const facts = JSON.parse(run.stdout)

    // The password went to the keyring, not the file.
    expect(JSON.parse(facts.settings.stdout).proxy_password_storage.where).toBe('keyring')
    expect(JSON.parse(facts.file).proxy.http_proxy).toBe(`http://${USER}@127.0.0.1:${squid.port}/`)

    expect(facts.source.code, facts.source.stderr).toBe(0)
    expect(facts.imported.code, facts.imported.stderr).toBe(0)
    expect(facts.imported.stdout).toMatch(/^Import of boot resources finished \(/)
    const resources = JSON.parse(facts.resources.stdout) as Array<{ name: string; status: string }>
    expect(resources.length).toBeGreaterThan(0)
    expect(resources.every((r) => r.status === 'Synced')).toBe(true)

    const log = await squid.accessLog()
    const through = log.filter((l) => l.includes(`http://${HOST}:${env.server.port}/`))
    expect(through.some((l) => / 200 /.test(l) && l.includes('/streams/v1/index.sjson'))).toBe(true)
    // Resumed after a cut: a Range request answered 206 through squid.
    expect(through.some((l) => / 206 bytes=[1-9]\d*-\d*$/.test(l))).toBe(true)
    expect(env.server.stats.requests).toBeGreaterThan(0)

    // The wrong password: squid says 407, the import names the proxy and the refusal, never the password.
    expect(log.some((l) => / 407 /.test(l))).toBe(true)
    expect(facts.refused.code).toBe(1)
    expect(facts.refused.stderr).toMatch(/407/)
    expect(facts.refused.stderr).toContain(`127.0.0.1:${squid.port}`)
    expect(facts.lastImport).toMatch(/407/)
    const everything = [run.stderr, JSON.stringify(facts)].join('\n')
    for (const secret of [PASSWORD, WRONG, encodeURIComponent(PASSWORD), encodeURIComponent(WRONG)])
      expect(everything).not.toContain(secret)
    for (const secret of [PASSWORD, WRONG])
      expect(everything).not.toContain(Buffer.from(`${USER}:${secret}`).toString('base64'))
  })
})
