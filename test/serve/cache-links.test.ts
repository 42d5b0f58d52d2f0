/**
 * `serve source=` (the image cache) opens each blob through the bounded local reader with the blob folder as
 * root, as `serve dir=` does with its folder: a blob that has become a link out of the cache, or a FIFO, is a
 * 404, not the file it leads to and not a hung response. End to end through the CLI.
 */
import { execFileSync } from 'node:child_process'
import { readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { stagedContent } from '../../src/main/library/staged-content'
import { bootSourceOf } from '../import/engine-fixture'
import { serveCli, type ServingCli } from '../support/serve-cli'
import { useImportedDataDir } from '../stage/imported-data-dir'

const SECRET = 'a private file outside the image cache'
const imported = useImportedDataDir()

describe('serve source= and the blobs behind it', () => {
  it('serves a blob, and 404 for a blob that is a link out of the cache or a FIFO', async () => {
    const { env, tmp, dataDir } = imported()
    const source = bootSourceOf(env)
    const { items } = await stagedContent(dataDir, source)
    const [good, linked, fifo] = items.filter((i) => i.size > 0)
    const s = await serveCli(dataDir, 'source=1')
    expect('url' in s, JSON.stringify(s)).toBe(true)
    const served = s as ServingCli
    // Swapped once serving: the cache was whole when the server listed it.
    const secret = join(tmp, 'secret')
    await writeFile(secret, SECRET)
    await rm(linked.blob)
    await symlink(secret, linked.blob)
    await rm(fifo.blob)
    execFileSync('mkfifo', [fifo.blob])
    try {
      const ok = await fetch(served.url + good.path)
      expect(ok.status).toBe(200)
      expect(Buffer.from(await ok.arrayBuffer()).equals(await readFile(good.blob))).toBe(true)
      for (const item of [linked, fifo]) {
        const r = await fetch(served.url + item.path)
        expect({ status: r.status, body: await r.text() }, item.path).toEqual({
          status: 404,
          body: 'not in this mirror\n'
        })
      }
    } finally {
      expect(await served.stop()).toBe(0)
    }
    expect(served.stdout() + served.stderr()).not.toContain(secret)
  }, 60_000)
})
