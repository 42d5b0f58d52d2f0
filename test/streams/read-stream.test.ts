import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { AppError } from '@shared/errors'
import { readStream, type ReadStreamOptions } from '../../src/main/streams/read-stream'
import { startForwardProxy } from '../support/forward-proxy'
import { streamFixture, type StreamFixture } from '../support/stream-fixture'
import { createTestKey, productsBase, rewriteDocument, tamperSignedFile } from '../support/stream-generator'

let fx: StreamFixture | undefined
afterEach(async () => {
  await fx?.cleanup()
  fx = undefined
})

async function setup(gen = {}): Promise<StreamFixture> {
  fx = await streamFixture(gen)
  return fx
}

function read(f: StreamFixture, extra: Partial<ReadStreamOptions> = {}): ReturnType<typeof readStream> {
  return readStream({ url: f.server.url, keyring: f.keyring, proxy: f.direct, ...extra })
}

async function failure(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => {
      throw new Error('expected a failure')
    },
    (e: unknown) => e
  )
  expect(err).toBeInstanceOf(AppError)
  return err as AppError
}

const ubuntuDoc = (f: StreamFixture): string => productsBase(f.stream.contentIds.ubuntu)
const ubuntuSjson = (f: StreamFixture): string => `${ubuntuDoc(f)}.sjson`

/** Changes one item of the first Ubuntu product (re-signed, so only the change itself can fail). */
async function mutateFirstItem(
  f: StreamFixture,
  change: (item: Record<string, unknown>) => void
): Promise<string> {
  let where = ''
  await rewriteDocument(f.stream, ubuntuDoc(f), (doc) => {
    const products = doc.products as Record<
      string,
      { versions: Record<string, { items: Record<string, Record<string, unknown>> }> }
    >
    const [pname, product] = Object.entries(products)[0]
    const [serial, version] = Object.entries(product.versions)[0]
    const [iname, item] = Object.entries(version.items)[0]
    change(item)
    where = `product ${pname} version ${serial} item ${iname}`
  })
  return where
}

describe('readStream: good streams', () => {
  it('reads, verifies and expands a signed stream over http', async () => {
    const f = await setup()
    const s = await read(f)
    expect(s.verified).toBe(true)
    expect(s.rootUrl).toBe(f.server.url)
    expect(s.documents.map((d) => d.path)).toEqual([
      'streams/v1/index.sjson',
      `${productsBase(f.stream.contentIds.ubuntu)}.sjson`,
      `${productsBase(f.stream.contentIds.bootloader)}.sjson`,
      `${productsBase(f.stream.contentIds.centos)}.sjson`
    ])
    for (const d of s.documents) {
      expect(d.signature).toMatchObject({
        signed: true,
        key_id: f.stream.key.keyId,
        fingerprint: f.stream.key.fingerprint
      })
      expect(d.raw.equals(await readFile(join(f.stream.dir, d.path)))).toBe(true)
    }
    expect(s.products.map((p) => p.product_name).sort()).toEqual(
      f.stream.products.map((p) => p.product_name).sort()
    )
    const noble = s.products.find((p) => p.product_name.endsWith(':24.04:amd64:ga-24.04'))!
    expect(noble.fields).toMatchObject({
      os: 'ubuntu',
      release: 'noble',
      arch: 'amd64',
      subarch: 'ga-24.04',
      label: 'stable'
    })
    const item = noble.versions['20250805'].items.squashfs
    const expected = f.stream.items.find(
      (i) => i.product === noble.product_name && i.version === '20250805' && i.item === 'squashfs'
    )!
    expect(item).toMatchObject({
      path: expected.path,
      sha256: expected.sha256,
      size: expected.size,
      ftype: 'squashfs'
    })
  })

  it('reads a plain directory and a file:// URL the same way', async () => {
    const f = await setup()
    const viaDir = await readStream({ url: f.stream.dir, keyring: f.keyring })
    const viaFile = await readStream({ url: pathToFileURL(f.stream.dir).href, keyring: f.keyring })
    expect(viaDir.verified).toBe(true)
    expect(viaDir.rootUrl).toBe(f.stream.dir)
    expect(viaFile.products).toEqual(viaDir.products)
    expect(viaDir.documents[0].url).toBe(join(f.stream.dir, 'streams/v1/index.sjson'))
  })

  it('treats a URL ending in .json as unsigned and reads the .json documents', async () => {
    const f = await setup()
    const s = await readStream({ url: `${f.server.url}streams/v1/index.json`, proxy: f.direct })
    expect(s.verified).toBe(false)
    expect(s.rootUrl).toBe(f.server.url)
    expect(s.documents.every((d) => d.path.endsWith('.json') && !d.signature.signed)).toBe(true)
    expect(s.products.length).toBe(f.stream.products.length)
  })

  it('accepts a URL naming index.sjson directly, with the root before streams/v1/', async () => {
    const f = await setup()
    const s = await readStream({
      url: `${f.server.url}streams/v1/index.sjson`,
      keyring: f.keyring,
      proxy: f.direct
    })
    expect(s.verified).toBe(true)
    expect(s.rootUrl).toBe(f.server.url)
  })

  it('goes through the configured proxy', async () => {
    const f = await setup()
    const proxy = await startForwardProxy({ port: f.server.port })
    try {
      const s = await readStream({
        url: 'http://images.stream.test/',
        keyring: f.keyring,
        proxy: { http_proxy: proxy.url, no_proxy: '' }
      })
      expect(s.verified).toBe(true)
      expect(proxy.log).toContain('GET http://images.stream.test/streams/v1/index.sjson')
      expect(proxy.log).toHaveLength(4)
    } finally {
      await proxy.close()
    }
  })

  it('skips notifications items without failing', async () => {
    const f = await setup()
    await rewriteDocument(f.stream, ubuntuDoc(f), (doc) => {
      const p = Object.values(
        doc.products as Record<string, { versions: Record<string, { items: Record<string, unknown> }> }>
      )[0]
      Object.values(p.versions)[0].items.notice = { ftype: 'notifications', text: 'please upgrade' }
    })
    const s = await read(f)
    expect(s.products.every((p) => Object.values(p.versions).every((v) => !('notice' in v.items)))).toBe(true)
  })
})

describe('readStream: refused input', () => {
  it('wrong index format', async () => {
    const f = await setup()
    await rewriteDocument(f.stream, 'streams/v1/index', (doc) => void (doc.format = 'products:1.0'))
    const err = await failure(read(f))
    expect(err.code).toBe('stream_invalid')
    expect(err.message).toBe('streams/v1/index.sjson: wrong format "products:1.0" (expected "index:1.0")')
  })

  it('wrong products format', async () => {
    const f = await setup()
    await rewriteDocument(f.stream, ubuntuDoc(f), (doc) => void (doc.format = 'products:2.0'))
    const err = await failure(read(f))
    expect(err.code).toBe('stream_invalid')
    expect(err.message).toBe(`${ubuntuSjson(f)}: wrong format "products:2.0" (expected "products:1.0")`)
  })

  it('item without size', async () => {
    const f = await setup()
    const where = await mutateFirstItem(f, (it) => delete it.size)
    const err = await failure(read(f))
    expect(err.code).toBe('stream_invalid')
    expect(err.message).toBe(`${ubuntuSjson(f)}: ${where}: item has no size`)
  })

  it('item without checksum', async () => {
    const f = await setup()
    const where = await mutateFirstItem(f, (it) => delete it.sha256)
    const err = await failure(read(f))
    expect(err.code).toBe('stream_invalid')
    expect(err.message).toBe(`${ubuntuSjson(f)}: ${where}: item has no checksum (sha256, sha512 or md5)`)
  })

  it.each([
    ['/etc/passwd', 'absolute path'],
    ['noble/../../../etc/passwd', "'..' segment"],
    ['noble\\amd64\\squashfs', 'backslash'],
    ['noble/amd64/squash\0fs', 'NUL byte'],
    ['file:///etc/passwd', 'URL scheme']
  ])('unsafe item path %j', async (path, why) => {
    const f = await setup()
    const where = await mutateFirstItem(f, (it) => void (it.path = path))
    const err = await failure(read(f))
    expect(err.code).toBe('unsafe_path')
    expect(err.message.startsWith(`${ubuntuSjson(f)}: ${where}: unsafe path ${JSON.stringify(path)} (`)).toBe(
      true
    )
    expect(err.message).toContain(why)
  })

  it('unsafe products path in the index', async () => {
    const f = await setup()
    await rewriteDocument(f.stream, 'streams/v1/index', (doc) => {
      const entry = (doc.index as Record<string, { path: string }>)[f.stream.contentIds.centos]
      entry.path = '../outside.json'
    })
    const err = await failure(read(f))
    expect(err.code).toBe('unsafe_path')
    expect(err.message).toContain(`streams/v1/index.sjson: content ${f.stream.contentIds.centos}`)
    expect(err.message).toContain("'..' segment")
  })

  it('metadata over the size limit', async () => {
    const f = await setup()
    const err = await failure(read(f, { maxMetadataBytes: 4096 }))
    expect(err.code).toBe('stream_invalid')
    expect(err.message).toMatch(new RegExp(`^metadata over 4 KiB: ${f.server.url}streams/v1/`))
  })

  it('more than 5 redirects', async () => {
    const f = await setup()
    const faults: Record<string, { redirectTo: string }> = {}
    for (let i = 0; i < 6; i++)
      faults[`/r${i}/streams/v1/index.sjson`] = { redirectTo: `/r${i + 1}/streams/v1/index.sjson` }
    f.server.options.faults = faults
    const err = await failure(readStream({ url: `${f.server.url}r0/`, keyring: f.keyring, proxy: f.direct }))
    expect(err.code).toBe('network')
    expect(err.message).toBe(
      `too many redirects (more than 5) fetching ${f.server.url}r0/streams/v1/index.sjson`
    )
  })

  it('an HTML captive portal page instead of the index', async () => {
    const f = await setup()
    await writeFile(
      join(f.stream.dir, 'streams/v1/index.sjson'),
      '<html><head><title>Login</title></head></html>'
    )
    const err = await failure(read(f))
    expect(err.code).toBe('stream_invalid')
    expect(err.message).toContain('HTML page')
    expect(err.message).toContain('captive portal or proxy login')
    expect(err.message).toContain(`${f.server.url}streams/v1/index.sjson`)
  })

  it('a tampered byte in a signed products file', async () => {
    const f = await setup()
    await tamperSignedFile(join(f.stream.dir, ubuntuSjson(f)))
    const err = await failure(read(f))
    expect(err.code).toBe('signature')
    expect(err.message).toMatch(
      new RegExp(`^signature verification failed for ${ubuntuSjson(f).replaceAll('.', '\\.')}: .+`)
    )
  })

  it('a signature by a key that is not in the keyring', async () => {
    const f = await setup()
    const stranger = await createTestKey('Stranger')
    await rewriteDocument({ dir: f.stream.dir, key: stranger }, 'streams/v1/index', () => undefined)
    const err = await failure(read(f))
    expect(err.code).toBe('signature')
    expect(err.message).toBe(
      `streams/v1/index.sjson is signed by unknown key ${stranger.keyId} (not in keyring ${f.stream.keyringPath})`
    )
  })

  it('a .sjson without a signature', async () => {
    const f = await setup()
    const plain = await readFile(join(f.stream.dir, `${ubuntuDoc(f)}.json`))
    await writeFile(join(f.stream.dir, ubuntuSjson(f)), plain)
    const err = await failure(read(f))
    expect(err.code).toBe('signature')
    expect(err.message).toBe(`no OpenPGP signature in ${ubuntuSjson(f)}`)
  })

  it('a signed stream without a keyring', async () => {
    const f = await setup()
    const err = await failure(readStream({ url: f.server.url, proxy: f.direct }))
    expect(err.code).toBe('keyring')
    expect(err.message).toContain('no keyring configured')
  })

  it.each([404, 500])('HTTP %i on a products file names URL and status', async (status) => {
    const f = await setup()
    f.server.options.faults = { [`/${ubuntuSjson(f)}`]: { status } }
    const err = await failure(read(f))
    expect(err.code).toBe('http_status')
    const reason = status === 404 ? 'Not Found' : 'Internal Server Error'
    expect(err.message).toBe(`HTTP ${status} ${reason} fetching ${f.server.url}${ubuntuSjson(f)}`)
  })
})
