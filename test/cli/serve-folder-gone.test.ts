/**
 * `maas-images serve dir=…` ends, with an error naming the folder and the cause, once the folder it serves is
 * no longer the one it checked at start (a stick ejected or pulled): it never goes on serving what is beneath.
 * Likewise once its medium stops answering (a stick pulled without unmounting: reads fail with EIO).
 */
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { failReads } from '../support/failing-medium'
import { serveCli, type ServingCli } from '../support/serve-cli'

let tmp: string
beforeEach(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'maas-images-serve-gone-'))
})
afterEach(async () => {
  await rm(tmp, { recursive: true, force: true })
})

it('serve dir= exits with the reason when the folder is replaced', async () => {
  const stick = join(tmp, 'stick')
  await mkdir(stick)
  await writeFile(join(stick, 'a.img'), 'on the stick')
  const serving = (await serveCli(join(tmp, 'data'), `dir=${stick}`)) as ServingCli
  expect(serving.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
  expect(await (await fetch(`${serving.url}a.img`)).text()).toBe('on the stick')

  await rename(stick, join(tmp, 'ejected'))
  await mkdir(stick)
  await writeFile(join(stick, 'a.img'), 'beneath')
  expect((await fetch(`${serving.url}a.img`)).status).toBe(503)
  expect(await serving.exited).toBe(1)
  expect(serving.stderr()).toContain(
    `maas-images: serving stopped: ${stick} is no longer the folder serving started with: it was replaced by another folder`
  )
})

it('serve dir= exits 1 with the reason when reads of the folder fail with EIO', async () => {
  const stick = join(tmp, 'stick')
  await mkdir(stick)
  await writeFile(join(stick, 'a.img'), 'on the stick')
  const serving = (await serveCli(join(tmp, 'data'), `dir=${stick}`)) as ServingCli
  const failing = await failReads('EIO')
  try {
    expect((await fetch(`${serving.url}a.img`)).status).toBe(503)
    expect(await serving.exited).toBe(1)
  } finally {
    failing.restore()
  }
  expect(serving.stderr()).toContain(
    `maas-images: serving stopped: ${stick}: the stick or disk stopped answering (input/output error): ` +
      'it may have been pulled out; plug it in again and check it with Verify before serving it'
  )
})
