/**
 * `serve dir=` serves only regular files whose real path is inside the folder: a stick is made by someone else,
 * and its links (`leak -> ~/secret`, `leakdir -> /some/dir`, `sub/passwd -> /etc/passwd`) or its unsigned
 * manifest must not publish files of this machine. End to end through the CLI.
 */
import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serveCli, type ServingCli } from '../support/serve-cli'

const SECRET = 'proxy_password=hunter2-do-not-serve'
let tmp: string
let secrets: string
let dataDir: string

async function get(url: string, path: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url + path)
  return { status: res.status, body: await res.text() }
}

/** Serves `dir` through the CLI for the length of `body`, then checks nothing of the secrets was printed. */
async function serving(dir: string, body: (url: string) => Promise<void>): Promise<void> {
  const s = await serveCli(dataDir, `dir=${dir}`)
  expect('url' in s, JSON.stringify(s)).toBe(true)
  const cli = s as ServingCli
  try {
    await body(cli.url)
  } finally {
    expect(await cli.stop()).toBe(0)
  }
  // Nothing of what the links lead to is logged.
  for (const text of [cli.stdout(), cli.stderr()]) {
    expect(text).not.toContain(secrets)
    expect(text).not.toContain(SECRET)
  }
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'maas-images-served-links-'))
  dataDir = join(tmp, 'data')
  // Stand-ins for ~/secret, /some/dir and /etc/passwd: private files outside every served folder.
  secrets = await mkdtemp(join(tmp, 'secrets-'))
  await writeFile(join(secrets, 'secret'), SECRET)
  await writeFile(join(secrets, 'passwd'), `root:x:0:0:${SECRET}`)
  await mkdir(join(secrets, 'dir'))
  await writeFile(join(secrets, 'dir', 'settings.json'), JSON.stringify({ proxy: SECRET }))
})

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true })
})

describe('serve dir= and links', () => {
  it('a plain folder: links out of it are 404, a link inside it and a regular file are served', async () => {
    const dir = await mkdtemp(join(tmp, 'plain-'))
    await writeFile(join(dir, 'ok.img'), 'good bytes')
    await mkdir(join(dir, 'sub'))
    await symlink(join(secrets, 'secret'), join(dir, 'leak'))
    await symlink(join(secrets, 'dir'), join(dir, 'leakdir'))
    await symlink(join(secrets, 'passwd'), join(dir, 'sub', 'passwd'))
    // Relative links that climb out count the same.
    await symlink(`../${secrets.split('/').pop()}/secret`, join(dir, 'relleak'))
    await symlink('ok.img', join(dir, 'inside'))
    await symlink('../ok.img', join(dir, 'sub', 'inside'))
    execFileSync('mkfifo', [join(dir, 'fifo')])
    await serving(dir, async (url) => {
      expect(await get(url, 'ok.img')).toEqual({ status: 200, body: 'good bytes' })
      expect(await get(url, 'inside')).toEqual({ status: 200, body: 'good bytes' })
      expect(await get(url, 'sub/inside')).toEqual({ status: 200, body: 'good bytes' })
      for (const path of ['leak', 'leakdir/settings.json', 'sub/passwd', 'relleak', 'fifo', 'leakdir']) {
        const r = await get(url, path)
        expect(r, path).toEqual({ status: 404, body: 'not in this mirror\n' })
      }
    })
  })

  it('a staged stick: what its manifest lists is still opened inside the folder only', async () => {
    const dir = await mkdtemp(join(tmp, 'stick-'))
    const good = 'ubuntu/noble/amd64/1/ga-24.04/generic/boot-kernel'
    await mkdir(join(dir, 'streams', 'v1'), { recursive: true })
    await mkdir(join(dir, ...good.split('/').slice(0, -1)), { recursive: true })
    await writeFile(join(dir, ...good.split('/')), 'kernel bytes')
    await symlink(join(secrets, 'dir', 'settings.json'), join(dir, 'streams', 'v1', 'index.sjson'))
    await symlink(join(secrets, 'secret'), join(dir, 'ubuntu', 'noble', 'amd64', '1', 'leak'))
    const item = (path: string) => ({ path, sha256: '0'.repeat(64), size: 12 })
    await writeFile(
      join(dir, 'maas-images-stage.json'),
      JSON.stringify({
        format: 'maas-images-stage:1',
        documents: ['streams/v1/index.sjson'],
        items: [item(good), item('ubuntu/noble/amd64/1/leak')]
      })
    )
    await serving(dir, async (url) => {
      expect(await get(url, good)).toEqual({ status: 200, body: 'kernel bytes' })
      for (const path of ['streams/v1/index.sjson', 'ubuntu/noble/amd64/1/leak']) {
        const r = await get(url, path)
        expect(r, path).toEqual({ status: 404, body: 'not in this mirror\n' })
      }
    })
  })
})
