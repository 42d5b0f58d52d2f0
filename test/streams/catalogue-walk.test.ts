/**
 * catalogueOfProducts (the catalogue and Connect) must refuse exactly what expandProducts (readStream, the import)
 * refuses, with the same message, and otherwise give exactly buildCatalogue's entries. It reads fields through the
 * hierarchy instead of copying them, so the tests put every item field at every level (item, version, product,
 * top), with good and bad values, in versions that are and are not the latest.
 */
import { describe, expect, it } from 'vitest'
import { AppError } from '@shared/errors'
import type { CatalogueEntry } from '@shared/types'
import { buildCatalogue, catalogueEntry, sortCatalogue } from '../../src/main/streams/catalogue'
import { catalogueOfProducts } from '../../src/main/streams/catalogue-walk'
import { expandProducts } from '../../src/main/streams/expand-products'
import type { ProductsDoc } from '../../src/main/streams/schema'

const SHA = 'ab'.repeat(32)
type Json = Record<string, unknown>

function viaExpansion(doc: ProductsDoc): CatalogueEntry[] {
  const products = expandProducts(doc, 'com.example:stable:download', 'p.sjson')
  return buildCatalogue({ rootUrl: '', verified: true, documents: [], products })
}

function viaWalk(doc: ProductsDoc): CatalogueEntry[] {
  const entries: CatalogueEntry[] = []
  catalogueOfProducts(doc, 'com.example:stable:download', 'p.sjson', (e) => entries.push(e))
  return sortCatalogue(entries)
}

/** Both ways on copies of the same document: the same entries, or the same error (class, code, message). */
function outcome(read: (doc: ProductsDoc) => CatalogueEntry[], doc: Json): unknown {
  try {
    return { entries: read(structuredClone(doc) as ProductsDoc) }
  } catch (err) {
    if (!(err instanceof AppError)) throw err
    return { error: err.code, message: err.message }
  }
}

function expectSame(doc: Json): unknown {
  const walked = outcome(viaWalk, doc)
  expect(walked).toEqual(outcome(viaExpansion, doc))
  return walked
}

function goodItem(path: string, size: number): Json {
  return { ftype: 'squashfs', path, size, sha256: SHA }
}

function doc(products: Json, top: Json = {}): Json {
  return { format: 'products:1.0', content_id: 'com.example:stable:download', ...top, products }
}

/** Deterministic pseudo-random integers below n (xorshift32), so a failure can be replayed. */
function prng(seed: number): (n: number) => number {
  let x = seed | 0 || 1
  return (n) => {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    return (x >>> 0) % n
  }
}

/** Per field: values an item may carry (first) and values it must be refused for (second). */
const VALUES: Record<string, [unknown[], unknown[]]> = {
  ftype: [
    ['squashfs', 'boot-kernel', 'notifications'],
    ['', 7, null, ['x'], { a: 1 }, true]
  ],
  path: [
    ['a/b/squashfs', 'x/y'],
    ['../etc/passwd', '/abs', 'a\\b', 'a/%2e%2e/b', 'c:/x', '', 12, null, ['p']]
  ],
  size: [
    [10, 0, '123', 9007199254740991],
    ['12x', -1, 1.5, 2 ** 60, '', null, true, { n: 1 }]
  ],
  sha256: [
    [SHA, SHA.toUpperCase()],
    ['xyz', SHA.slice(2), '', null, 5, ['a']]
  ],
  sha512: [['cd'.repeat(64)], ['cd'.repeat(63), '', null]],
  md5: [['ef'.repeat(16)], ['ef'.repeat(15), '', 0]]
}
const LEVELS = ['item', 'version', 'product', 'top'] as const

/**
 * A products document with fields scattered over the levels, one to three products of zero to three versions of
 * one to three items. Half the documents hold only acceptable values (so entries get compared, latest versions
 * included), the other half some bad or missing ones.
 */
function randomDoc(r: (n: number) => number): Json {
  const bad = r(2) === 0
  const top: Json = {}
  const products: Json = {}
  for (let p = 0, np = 1 + r(3); p < np; p++) {
    const product: Json = { os: r(2) ? 'ubuntu' : 'centos', release: 'noble', arch: 'amd64', versions: {} }
    for (let v = 0, nv = r(4); v < nv; v++) {
      const version: Json = { items: {} }
      for (let i = 0, ni = 1 + r(3); i < ni; i++) {
        const item: Json = {}
        for (const [key, [good, wrong]] of Object.entries(VALUES)) {
          const optional = key === 'sha512' || key === 'md5'
          if (optional && r(2)) continue
          if (bad && r(12) === 0) continue // missing altogether
          const level = r(3) === 0 ? LEVELS[r(LEVELS.length)] : 'item'
          const value = bad && r(6) === 0 ? wrong[r(wrong.length)] : good[r(good.length)]
          ;({ item, version, product, top })[level][key] = value
        }
        ;(version.items as Json)[`item-${i}`] = item
      }
      ;(product.versions as Json)[r(2) ? `2024060${r(10)}` : `2024060${r(10)}_0${r(3)}`] = version
    }
    products[`com.example:p${p}:${r(100)}`] = product
  }
  return doc(products, top)
}

describe('catalogueOfProducts against expandProducts + buildCatalogue', () => {
  it('gives the same entries for a stream with fields at every level', () => {
    const d = doc(
      {
        'com.example:noble:amd64': {
          os: 'ubuntu',
          release: 'noble',
          arch: 'amd64',
          versions: {
            '20240601': { items: { k: goodItem('a/k', 5), s: goodItem('a/s', 7) } },
            '20240610': {
              path: 'b/inherited',
              items: { k: { ftype: 'boot-kernel', size: '11', md5: 'ef'.repeat(16) } }
            },
            '20240605': { items: { k: goodItem('c/k', 1) } }
          }
        },
        'com.example:grub:amd64': {
          'bootloader-type': 'uefi',
          sha256: SHA,
          versions: {
            '1': {
              items: { g: { ftype: 'archive.tar.xz', path: 'g', size: 3 }, n: { ftype: 'notifications' } }
            }
          }
        },
        'com.example:empty': { versions: {} }
      },
      { arch: 'arm64', size: 2 }
    )
    const result = expectSame(d) as { entries: CatalogueEntry[] }
    expect(result.entries.map((e) => [e.product_name, e.latest_version, e.size])).toEqual([
      ['com.example:noble:amd64', '20240610', 11],
      ['com.example:grub:amd64', '1', 3]
    ])
  })

  it.each<[string, Json, Json?]>([
    ['a product that is not an object', { p: 'x' }],
    ['a product without versions', { p: { os: 'ubuntu' } }],
    ['versions that are a list', { p: { versions: [] } }],
    ['a version that is not an object', { p: { versions: { '1': 5 } } }],
    ['a version without items', { p: { versions: { '1': {} } } }],
    ['an item that is not an object', { p: { versions: { '1': { items: { a: 'x' } } } } }],
    [
      'an item named __proto__',
      JSON.parse(
        '{"p":{"versions":{"1":{"items":{"__proto__":{"ftype":"f","path":"a","size":1,"sha256":"' +
          SHA +
          '"}}}}}}'
      )
    ],
    ['a version named __proto__', JSON.parse('{"p":{"versions":{"__proto__":{"items":{}}}}}')],
    [
      'a bad checksum in a version that is not the latest',
      {
        p: {
          versions: {
            '2': { items: { a: goodItem('a', 1) } },
            '1': { items: { a: { ...goodItem('b', 1), sha256: 'nothex' } } }
          }
        }
      }
    ],
    [
      'an unsafe path in a version that is not the latest',
      {
        p: {
          versions: { '2': { items: { a: goodItem('a', 1) } }, '1': { items: { a: goodItem('../../x', 1) } } }
        }
      }
    ],
    [
      'a path inherited from the version that is unsafe',
      {
        p: { versions: { '1': { path: '/etc/passwd', items: { a: { ftype: 'f', size: 1, sha256: SHA } } } } }
      }
    ],
    [
      'a size inherited from the top that is not a byte count',
      { p: { versions: { '1': { items: { a: { ftype: 'f', path: 'a', sha256: SHA } } } } } },
      { size: -4 }
    ]
  ])('refuses %s with the same error', (_, products, top = {}) => {
    const result = expectSame(doc(products, top)) as { error?: string; message?: string }
    expect(result.error).toMatch(/^(stream_invalid|unsafe_path)$/)
    expect(result.message).toMatch(/^p\.sjson: product /)
  })

  it('agrees with the full expansion on 3,000 random documents (fields good and bad, at every level)', () => {
    const r = prng(20261130)
    let refused = 0
    let read = 0
    let severalVersions = 0
    for (let n = 0; n < 3000; n++) {
      const d = randomDoc(r)
      const walked = outcome(viaWalk, d)
      const expanded = outcome(viaExpansion, d)
      if (JSON.stringify(walked) !== JSON.stringify(expanded))
        expect({ doc: d, walked }).toEqual({ doc: d, walked: expanded })
      if ('error' in (walked as Json)) refused++
      else read++
      if (
        Object.values(d.products as Record<string, Json>).some(
          (p) => Object.keys(p.versions as Json).length > 1
        )
      ) {
        if (!('error' in (walked as Json))) severalVersions++
      }
    }
    // Both kinds of outcome must be well represented, or the comparison proves little.
    expect(refused).toBeGreaterThan(200)
    expect(read).toBeGreaterThan(200)
    expect(severalVersions).toBeGreaterThan(100)
  })

  it('removes each product from the document once walked, as expandProducts does', () => {
    const d = doc({
      a: { versions: { '1': { items: { i: goodItem('x', 1) } } } },
      b: { versions: {} }
    }) as ProductsDoc
    catalogueOfProducts(d, 'c', 'p', () => {})
    expect(d.products).toEqual({})
  })

  it('gives catalogueEntry the same result, product by product', () => {
    const d = doc({
      a: { os: 'ubuntu', versions: { '1': { items: { i: goodItem('x', 4) } }, '3': { items: {} } } }
    })
    const [p] = expandProducts(structuredClone(d) as ProductsDoc, 'c', 'p')
    const walked: CatalogueEntry[] = []
    catalogueOfProducts(structuredClone(d) as ProductsDoc, 'c', 'p', (e) => walked.push(e))
    expect(walked).toEqual([catalogueEntry(p)])
    expect(walked[0].size).toBe(0)
  })
})
