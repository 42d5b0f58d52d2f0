/**
 * A served stick that stops answering: a read that never returns (no error) must not hold its response, nor the
 * server, for ever. After the stall time limit the response ends (503 when nothing was sent, cut short when the
 * body had begun), the server stops with a reason naming the folder, and no read is sent to the medium again:
 * each one it keeps holds one of the process's four file-system threads. The medium is a stand-in
 * (test/support/failing-medium.ts) whose hung reads also hold their handle's close, as a real one does.
 */
import { rm } from 'node:fs/promises'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { directoryMirror } from '../../src/main/serve/mirror-files'
import { startMirrorServer, type MirrorServer } from '../../src/main/serve/mirror-server'
import { hangReads, type HangingReads } from '../support/failing-medium'
import { receive, stickData, stickFolder } from '../support/served-stick'

let tmp: string
let folder: string
let server: MirrorServer | null = null
let hanging: HangingReads | null = null
const data = stickData

const LIMIT_MS = 200
const reason = (): string =>
  `${folder}: the stick or disk stopped answering (no reply in ${LIMIT_MS} ms): it may be failing or was ` +
  'pulled out; plug it in again and check it with Verify before serving it'

beforeEach(async () => {
  ;({ tmp, folder } = await stickFolder('maas-images-served-hangs-'))
})

afterEach(async () => {
  hanging?.restore()
  hanging = null
  await server?.close()
  server = null
  await rm(tmp, { recursive: true, force: true })
})


async function serve(mediumTimeoutMs = LIMIT_MS): Promise<MirrorServer> {
  return await startMirrorServer(await directoryMirror(folder, { timeoutMs: mediumTimeoutMs }), {
    port: 0,
    rootCheckMs: 3_600_000,
    mediumTimeoutMs
  })
}

describe('a served folder whose medium stops answering', () => {
  it('answers 503 to the requests waiting on it, stops naming the folder, and sends it no read again', async () => {
    server = await serve()
    expect(await (await fetch(`${server.url}streams/v1/index.json`)).text()).toBe('{"from":"the stick"}')

    hanging = await hangReads()
    const first = fetch(`${server.url}big.img`)
    await hanging.hanging
    // A second request reaches the medium before the first has been given up on: it waits on a read too.
    const second = fetch(`${server.url}streams/v1/index.json`)
    while (hanging.held.length < 2) await new Promise((r) => setTimeout(r, 10))

    for (const res of await Promise.all([first, second])) {
      expect(res.status).toBe(503)
      const text = await res.text()
      expect(text).toContain('serving stopped')
      expect(text).not.toContain(tmp)
    }
    expect(await server.stopped).toBe(reason())
    const sent = hanging.reads()
    await expect(fetch(`${server.url}big.img`)).rejects.toThrow()
    expect(hanging.reads()).toBe(sent)
  })

  it('ends a body whose read gets no reply short, with only the file bytes before it, and stops', async () => {
    server = await serve()
    // The first 256 KiB read is answered and sent; the second never is.
    hanging = await hangReads(2)
    const got = await receive(`${server.url}big.img`)
    expect(got.status).toBe(200)
    expect(got.complete).toBe(false)
    expect(got.body.length).toBeLessThan(data.length)
    expect(got.body.equals(data.subarray(0, got.body.length))).toBe(true)
    expect(await server.stopped).toBe(reason())
  })

  it('stops at once when told to, without waiting for a read the medium keeps', async () => {
    // A stall limit no test waits for: only the stop can end this read.
    server = await serve(600_000)
    hanging = await hangReads()
    const res = fetch(`${server.url}big.img`).catch((err: unknown) => err)
    await hanging.hanging
    await server.close()
    expect(await server.stopped).toBe(null)
    await res
  })
})
