/**
 * Where the catalogue's open time goes: each stage of readCatalogue timed on its own over the same signed
 * products file as bench/catalogue.bench.ts (2,000 products, 3.09 MB), medians of RUNS runs in one process.
 * The stages run in readCatalogue's order on the document's bytes; the sum is close to, not equal to, one open
 * (no index document, no event-loop turns between stages).
 *   npx tsx bench/catalogue-stages.ts            (RUNS=31 by default)
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import * as openpgp from 'openpgp'
import type { CatalogueEntry } from '../src/shared/types'
import { sortCatalogue } from '../src/main/streams/catalogue'
import { catalogueOfProducts } from '../src/main/streams/catalogue-walk'
import { frameCleartext } from '../src/main/streams/cleartext'
import { loadKeyring } from '../src/main/streams/keyring'
import { ObjectBudget } from '../src/main/streams/object-budget'
import { parseDocument, parseJson, productsSchema } from '../src/main/streams/schema'
import { crlfOfRange } from '../src/main/streams/lf-to-crlf'
import { signedBytesOf, verifyCleartext } from '../src/main/streams/signature'
import { fetchBytes } from '../src/main/net/fetch-bytes'
import { generateStream } from '../test/support/stream-generator'
import { startTestServer } from '../test/support/test-server'

const RUNS = Number(process.env.RUNS ?? 31)

async function main(): Promise<void> {
  const tmp = await mkdtemp(join(tmpdir(), 'catalogue-stages-'))
  try {
    const stream = await generateStream({
      dir: join(tmp, 'mirror'),
      extraProducts: 1988,
      versionsPerProduct: 1
    })
    const rel = `streams/v1/${stream.contentIds.ubuntu}.sjson`
    const raw = await readFile(join(stream.dir, rel))
    const server = await startTestServer({ root: stream.dir })
    const direct = { http_proxy: '', https_proxy: '', no_proxy: '*' }
    const times = new Map<string, number[]>()
    const time = async <T>(stage: string, work: () => T | Promise<T>): Promise<T> => {
      const t0 = performance.now()
      const out = await work()
      const list = times.get(stage) ?? []
      list.push(performance.now() - t0)
      times.set(stage, list)
      return out
    }
    try {
      for (let run = 0; run <= RUNS; run++) {
        await time('fetch (loopback test server)', () => fetchBytes(`${server.url}${rel}`, { proxy: direct }))
        const keys = await time('keyring load', () => loadKeyring({ keyring_filename: stream.keyringPath }))
        await time('object budget', () => new ObjectBudget('bench').take(raw, rel))
        const text = await time('utf-8 decode', () => raw.toString('utf8'))
        const framed = (await time('cleartext framing', () => frameCleartext(text)))!
        const signature = await time('signature read', () =>
          openpgp.readSignature({ armoredSignature: framed.armoredSignature })
        )
        const body = raw.subarray(framed.bodyStart, framed.bodyEnd)
        await time('LF->CRLF of the file bytes, with line checks', () =>
          crlfOfRange(body, 0, body.length, { rewrite: false })
        )
        await time('openpgp verify over them (chunks, hash, EdDSA)', async () => {
          const message = await openpgp.createMessage({ binary: signedBytesOf(body) })
          const res = await openpgp.verify({
            message,
            signature,
            verificationKeys: keys,
            expectSigned: true,
            format: 'binary'
          })
          const reader = (res.data as ReadableStream<Uint8Array>).getReader()
          while (!(await reader.read()).done);
          await res.signatures[0].verified
        })
        await time('verifyCleartext (all of the above from decode)', () =>
          verifyCleartext(raw, rel, rel, keys, 'k')
        )
        const json = await time('JSON.parse', () => parseJson(framed.body, rel))
        const doc = await time('zod products schema', () =>
          parseDocument(productsSchema, json, 'products:1.0', rel)
        )
        const entries: CatalogueEntry[] = []
        await time('walk (checks every item)', () =>
          catalogueOfProducts(doc, doc.content_id ?? 'x', rel, (e) => void entries.push(e))
        )
        await time('sort', () => sortCatalogue(entries))
        if (run === 0) times.clear()
      }
    } finally {
      await server.close()
    }
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
    for (const [stage, xs] of times) console.log(`${median(xs).toFixed(2).padStart(8)} ms  ${stage}`)
  } finally {
    await rm(tmp, { recursive: true, force: true })
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
