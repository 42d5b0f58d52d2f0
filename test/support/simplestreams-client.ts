/**
 * A client that reads a served mirror the way MAAS's importer library, python-simplestreams
 * (`sstream-mirror --max=1 URL/streams/v1/index.sjson TARGET [filters]`), does. Written from what that
 * program was seen to do against `maas-images serve` (its requests logged by a proxy), so our tests can
 * hold the server to it without the Python program:
 *
 * - it only ever sends GET (never HEAD), with `Accept-Encoding: gzip, deflate` and the user agent
 *   `python-simplestreams/0.1`; URLs are the prefix plus the stream path with `:` left as is;
 * - it reads `streams/v1/index.sjson`, checks its OpenPGP cleartext signature against the keyring
 *   (gpgv), and GETs every index entry that has a `path`; products documents are signed too;
 * - per product it takes the newest version (`--max=1`) whose items pass the filters, and GETs every
 *   item at its `path` relative to the mirror root, checking the byte count against `size` and the
 *   sha256;
 * - a 404 is the one status it reads as "not there" (and stops the run); any other status's body is
 *   taken as content (so it fails the checksum or the signature);
 * - a download interrupted earlier leaves `<path>.part`; it resumes with `Range: bytes=<part size>-`
 *   and appends whatever body comes back, status unchecked.
 */
import { createHash } from 'node:crypto'
import { request } from 'node:http'
import * as openpgp from 'openpgp'

export interface ClientRequest {
  method: string
  path: string
  headers: Record<string, string>
  status: number
  contentLength: number | null
  contentEncoding: string | null
  bodyLength: number
}

export interface MirroredItem {
  product: string
  version: string
  path: string
  sha256: string
  size: number
}

export interface ClientRun {
  requests: ClientRequest[]
  documents: string[]
  items: MirroredItem[]
}

const HEADERS = { 'Accept-Encoding': 'gzip, deflate', 'User-Agent': 'python-simplestreams/0.1' }
const SIGNED_HEADER = '-----BEGIN PGP SIGNED MESSAGE-----'

/** One GET as python-simplestreams sends it; the answer is recorded whatever its status. */
export function rawGet(
  base: string,
  path: string,
  extra: Record<string, string> = {},
  method = 'GET'
): Promise<{ req: ClientRequest; body: Buffer }> {
  const u = new URL(base)
  const headers = { ...HEADERS, ...extra }
  return new Promise((resolve, reject) => {
    const r = request({ host: u.hostname, port: u.port, path: `/${path}`, method, headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('error', reject)
      res.on('end', () => {
        const body = Buffer.concat(chunks)
        const len = res.headers['content-length']
        resolve({
          body,
          req: {
            method,
            path,
            headers,
            status: res.statusCode ?? 0,
            contentLength: len === undefined ? null : Number(len),
            contentEncoding: (res.headers['content-encoding'] as string | undefined) ?? null,
            bodyLength: body.length
          }
        })
      })
    })
    r.on('error', reject)
    r.end()
  })
}

type Json = Record<string, unknown>

/** Items inherit the fields of their version, product and document (SimpleStreams "expand"). */
function newestItems(products: Json): Array<{ product: string; version: string; item: Json }> {
  const out: Array<{ product: string; version: string; item: Json }> = []
  for (const [product, p] of Object.entries((products.products ?? {}) as Record<string, Json>)) {
    const versions = (p.versions ?? {}) as Record<string, Json>
    const newest = Object.keys(versions).sort().at(-1)
    if (!newest) continue
    for (const item of Object.values((versions[newest].items ?? {}) as Record<string, Json>))
      out.push({ product, version: newest, item })
  }
  return out
}

async function verifiedBody(text: string, keyring: Uint8Array, path: string): Promise<Json> {
  if (!text.startsWith(SIGNED_HEADER)) throw new Error(`${path}: no signature found`)
  const message = await openpgp.readCleartextMessage({ cleartextMessage: text })
  const verificationKeys = await openpgp.readKeys({ binaryKeys: keyring })
  const { signatures, data } = await openpgp.verify({ message, verificationKeys })
  await signatures[0].verified // throws when the signature does not verify
  return JSON.parse(data) as Json
}

/**
 * Mirrors `base` like `sstream-mirror --max=1`, keeping items whose product name passes `wanted`
 * (sstream-mirror's `product_name~REGEX` filter). Throws on whatever would stop sstream-mirror.
 */
export async function mirrorLikeSimplestreams(
  base: string,
  keyring: Uint8Array,
  wanted: (product: string) => boolean = () => true
): Promise<ClientRun> {
  const run: ClientRun = { requests: [], documents: [], items: [] }
  const fetchOk = async (path: string): Promise<Buffer> => {
    const { req, body } = await rawGet(base, path)
    run.requests.push(req)
    if (req.status === 404) throw new Error(`Unable to open ${base}${path} (404)`)
    return body
  }
  const index = await verifiedBody(
    (await fetchOk('streams/v1/index.sjson')).toString('utf8'),
    keyring,
    'index'
  )
  run.documents.push('streams/v1/index.sjson')
  for (const entry of Object.values((index.index ?? {}) as Record<string, Json>)) {
    const path = entry.path as string | undefined
    if (!path) continue
    const products = await verifiedBody((await fetchOk(path)).toString('utf8'), keyring, path)
    run.documents.push(path)
    for (const { product, version, item } of newestItems(products)) {
      if (!wanted(product) || typeof item.path !== 'string') continue
      const body = await fetchOk(item.path)
      const sha256 = createHash('sha256').update(body).digest('hex')
      if (body.length !== item.size || sha256 !== item.sha256)
        throw new Error(
          `Invalid sha256 Checksum at ${base}${item.path} (size ${body.length} expected ${String(item.size)})`
        )
      run.items.push({ product, version, path: item.path, sha256, size: body.length })
    }
  }
  return run
}
