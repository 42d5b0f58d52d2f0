import { createHash } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { condenseProducts } from './condense'
import { productSubarch, type KernelRow } from './maas-images-kernels'
import { fakeSha256, writePayload } from './payload'
import {
  BOOTLOADER_SERIALS,
  CENTOS_SERIALS,
  REAL_SIZES,
  releaseInfo,
  serials,
  subarchesFor,
  UBUNTU_SERIALS
} from './release-data'
import { createTestKey, signCleartext, type TestKey } from './test-key'

export { createTestKey, signCleartext, type TestKey } from './test-key'
export { tamperByte, tamperSignedFile } from './tamper'

export interface GenerateOptions {
  dir: string
  /** fraction of real sizes, default 0.0001 so unit tests stay tiny; benches use 0.25 */
  scale?: number
  /** default ['jammy', 'noble'] */
  releases?: string[]
  /** default ['amd64', 'arm64'] */
  arches?: string[]
  /** the Ubuntu kernel products, as maas-images lists them (maas-images-kernels.ts); replaces releases x arches */
  kernels?: readonly KernelRow[]
  /** default 2 */
  versionsPerProduct?: number
  /** default true */
  centos?: boolean
  /** default true */
  bootloaders?: boolean
  condensed?: boolean
  /** default 'stable' */
  label?: 'stable' | 'candidate'
  /** pad the ubuntu products file with N extra synthetic products whose items are not written */
  extraProducts?: number
  /** default true */
  writePayloads?: boolean
  /** signing key; default createTestKey() */
  key?: TestKey
}

export interface GeneratedItem {
  content_id: string
  product: string
  version: string
  item: string
  ftype: string
  path: string
  sha256: string
  size: number
}

export interface GeneratedProduct {
  content_id: string
  product_name: string
  /** the product's own scalar fields, expanded (plain form) */
  fields: Record<string, string>
  versions: string[]
  /** benchmark padding: listed in metadata, items not on disk */
  synthetic: boolean
}

export interface GeneratedStream {
  dir: string
  label: string
  key: TestKey
  /** binary public keyring beside (outside) the served tree */
  keyringPath: string
  contentIds: { ubuntu: string; bootloader: string; centos: string }
  products: GeneratedProduct[]
  /** every real item of every version (a shared squashfs appears once per product); excludes synthetic ones */
  items: GeneratedItem[]
  /** stream-root relative paths of the metadata documents, e.g. streams/v1/index.sjson */
  documents: string[]
}

type Json = Record<string, unknown>

const UPDATED = 'Thu, 24 Jul 2025 08:01:49 +0000'

/** Deterministic fraction in [0, 1) for a seed. */
function unit(seed: string): number {
  return createHash('sha256').update(seed).digest().readUInt32BE(0) / 2 ** 32
}

function scaledSize(kind: keyof typeof REAL_SIZES, seed: string, scale: number): number {
  const [lo, hi] = REAL_SIZES[kind]
  return Math.max(16, Math.round((lo + (hi - lo) * unit(seed)) * scale))
}

interface PlannedItem {
  content_id: string
  product: string
  version: string
  item: string
  fields: Json
  kind: keyof typeof REAL_SIZES
  write: boolean
}

interface Plan {
  products: Map<string, { content_id: string; fields: Json; versions: Map<string, Map<string, PlannedItem>> }>
}

function addItem(
  plan: Plan,
  content_id: string,
  product: string,
  productFields: Json,
  p: Omit<PlannedItem, 'content_id' | 'product'>
): void {
  let prod = plan.products.get(product)
  if (!prod) {
    prod = { content_id, fields: productFields, versions: new Map() }
    plan.products.set(product, prod)
  }
  let items = prod.versions.get(p.version)
  if (!items) {
    items = new Map()
    prod.versions.set(p.version, items)
  }
  items.set(p.item, { ...p, content_id, product })
}

/** The default kernels: a generic ga- and hwe- kernel per release and arch. */
function defaultKernels(releases: string[], arches: string[]): KernelRow[] {
  return releases.flatMap((release, ri) => {
    const info = releaseInfo(release, ri)
    return arches.flatMap((arch) =>
      (['ga', 'hwe'] as const).map((flavour) => {
        const subarch = `${flavour}-${info.version}`
        return {
          release,
          arch,
          subarch,
          kflavor: 'generic',
          kpackage: flavour === 'ga' ? 'linux-generic' : `linux-generic-hwe-${info.version}`,
          subarches: subarchesFor(info, subarch).split(',')
        }
      })
    )
  })
}

/** One product per kernel row, named and laid out as maas-images' meph2/stream.py makes them. */
function planUbuntu(plan: Plan, cid: string, label: string, kernels: readonly KernelRow[], n: number): void {
  const releases = [...new Set(kernels.map((k) => k.release))]
  for (const k of kernels) {
    const info = releaseInfo(k.release, releases.indexOf(k.release))
    const { release, arch, subarch, kflavor, kpackage } = k
    const name = `com.ubuntu.maas.${label}:v3:boot:${info.version}:${arch}:${productSubarch(subarch, kflavor)}`
    const fields: Json = {
      os: 'ubuntu',
      release,
      release_codename: info.codename,
      release_title: info.title,
      version: info.version,
      arch,
      subarch,
      subarches: k.subarches.join(','),
      kflavor,
      krel: release,
      label,
      support_eol: info.support_eol,
      support_esm_eol: info.support_esm_eol
    }
    for (const serial of serials(UBUNTU_SERIALS, n)) {
      const base = `${release}/${arch}/${serial}`
      const kernelDir = `${base}/${subarch}/${kflavor}`
      const items: Array<[string, keyof typeof REAL_SIZES, Json]> = [
        ['boot-kernel', 'boot-kernel', { ftype: 'boot-kernel', path: `${kernelDir}/boot-kernel`, kpackage }],
        ['boot-initrd', 'boot-initrd', { ftype: 'boot-initrd', path: `${kernelDir}/boot-initrd`, kpackage }],
        // One squashfs (and manifest) per release/arch/serial, shared by every kernel product.
        ['squashfs', 'squashfs', { ftype: 'squashfs', path: `${base}/squashfs` }],
        ['manifest', 'manifest', { ftype: 'manifest', path: `${base}/squashfs.manifest` }]
      ]
      for (const [item, kind, f] of items) {
        addItem(plan, cid, name, fields, { version: serial, item, fields: f, kind, write: true })
      }
    }
  }
}

function planBootloaders(plan: Plan, cid: string, label: string, n: number): void {
  const loaders = [
    {
      os: 'grub-efi-signed',
      type: 'uefi',
      arch: 'amd64',
      items: ['grub2-signed', 'shim-signed'],
      src: 'noble'
    },
    { os: 'grub-efi', type: 'uefi', arch: 'arm64', items: ['grub2'], src: 'noble' },
    { os: 'pxelinux', type: 'pxe', arch: 'amd64', items: ['syslinux'], src: 'noble' }
  ]
  for (const l of loaders) {
    const name = `com.ubuntu.maas.${label}:1:${l.os}:${l.type}:${l.arch}`
    const fields: Json = { os: l.os, 'bootloader-type': l.type, arch: l.arch, arches: l.arch, label }
    for (const serial of serials(BOOTLOADER_SERIALS, n)) {
      for (const item of l.items) {
        const f: Json = {
          ftype: 'archive.tar.xz',
          path: `bootloaders/${l.type}/${l.arch}/${serial}/${item}.tar.xz`,
          src_package: item === 'syslinux' ? 'syslinux' : item,
          src_release: l.src,
          src_version: `2.12-1ubuntu${serial.slice(2, 8)}`
        }
        addItem(plan, cid, name, fields, {
          version: serial,
          item,
          fields: f,
          kind: 'archive.tar.xz',
          write: true
        })
      }
    }
  }
}

function planCentos(plan: Plan, cid: string, label: string, n: number): void {
  const name = `com.ubuntu.maas.${label}:centos-bases:7.0:amd64`
  const fields: Json = {
    os: 'centos',
    release: 'centos70',
    release_title: 'CentOS 7',
    version: '7.0',
    arch: 'amd64',
    subarch: 'generic',
    label
  }
  for (const serial of serials(CENTOS_SERIALS, n)) {
    const base = `centos/centos70/amd64/${serial}`
    addItem(plan, cid, name, fields, {
      version: serial,
      item: 'root-tgz',
      fields: { ftype: 'root-tgz', path: `${base}/root-tgz` },
      kind: 'root-tgz',
      write: true
    })
    addItem(plan, cid, name, fields, {
      version: serial,
      item: 'manifest',
      fields: { ftype: 'manifest', path: `${base}/root-tgz.manifest` },
      kind: 'manifest',
      write: true
    })
  }
}

/** Benchmark padding: realistic-looking kernel flavours whose files are never written. */
function planExtras(plan: Plan, cid: string, label: string, count: number, n: number): void {
  const arches = ['amd64', 'arm64', 'armhf', 'ppc64el', 's390x', 'riscv64']
  const rels = ['focal', 'jammy', 'noble']
  for (let i = 0; i < count; i++) {
    const release = rels[i % rels.length]
    const info = releaseInfo(release, 0)
    const arch = arches[Math.floor(i / rels.length) % arches.length]
    const kflavor = `synth${i}`
    const subarch = `ga-${info.version}`
    const name = `com.ubuntu.maas.${label}:v3:boot:${info.version}:${arch}:${subarch}-${kflavor}`
    const fields: Json = {
      os: 'ubuntu',
      release,
      release_codename: info.codename,
      release_title: info.title,
      version: info.version,
      arch,
      subarch,
      subarches: subarchesFor(info, subarch),
      kflavor,
      krel: release,
      label,
      support_eol: info.support_eol,
      support_esm_eol: info.support_esm_eol
    }
    for (const serial of serials(UBUNTU_SERIALS, n)) {
      const base = `${release}/${arch}/${serial}`
      for (const [item, kind] of [
        ['boot-kernel', 'boot-kernel'],
        ['boot-initrd', 'boot-initrd'],
        ['squashfs', 'squashfs'],
        ['manifest', 'manifest']
      ] as const) {
        const path =
          item === 'squashfs' || item === 'manifest'
            ? `${base}/${item === 'manifest' ? 'squashfs.manifest' : 'squashfs'}`
            : `${base}/${subarch}/${kflavor}/${item}`
        const f: Json = {
          ftype: item,
          path,
          ...(item.startsWith('boot-') ? { kpackage: `linux-${kflavor}` } : {})
        }
        addItem(plan, cid, name, fields, { version: serial, item, fields: f, kind, write: false })
      }
    }
  }
}

/** JSON text as written into both the .json and (as cleartext) the .sjson documents. */
function jsonText(doc: unknown): string {
  return `${JSON.stringify(doc, null, 1)}\n`
}

/** index.sjson names the .sjson products files where index.json names the .json ones. */
function asSignedIndex(doc: unknown): unknown {
  const d = doc as Json
  if (d?.format !== 'index:1.0' || !d.index || typeof d.index !== 'object') return doc
  const index = Object.fromEntries(
    Object.entries(d.index as Record<string, Json>).map(([cid, e]) => [
      cid,
      typeof e?.path === 'string' ? { ...e, path: e.path.replace(/\.json$/, '.sjson') } : e
    ])
  )
  return { ...d, index }
}

/** Writes `<relBase>.json` and the signed `<relBase>.sjson` for one document under a stream root. */
export async function writeSignedDocument(
  dir: string,
  relBase: string,
  doc: unknown,
  key: Pick<TestKey, 'privateKey'>
): Promise<void> {
  const file = join(dir, relBase)
  await mkdir(dirname(file), { recursive: true })
  await writeFile(`${file}.json`, jsonText(doc))
  await writeFile(`${file}.sjson`, await signCleartext(jsonText(asSignedIndex(doc)), key))
}

/**
 * Re-reads `<relBase>.json` (e.g. 'streams/v1/index' or 'streams/v1/com.ubuntu.maas:stable:v3:download'), lets
 * `mutate` change it, and rewrites the .json and a freshly signed .sjson. Tests use it to build bad streams
 * that are still correctly signed, so the failure they see is the one they set up.
 */
export async function rewriteDocument(
  stream: Pick<GeneratedStream, 'dir' | 'key'>,
  relBase: string,
  mutate: (doc: Json) => void | Json
): Promise<void> {
  const doc = JSON.parse(await readFile(join(stream.dir, `${relBase}.json`), 'utf8')) as Json
  const result = mutate(doc) ?? doc
  await writeSignedDocument(stream.dir, relBase, result, stream.key)
}

export function productsBase(contentId: string): string {
  return `streams/v1/${contentId}`
}

async function runLimited<T>(tasks: Array<() => Promise<T>>, limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const i = next++
      results[i] = await tasks[i]()
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker))
  return results
}

/** Writes a complete, signed, MAAS-shaped stream tree (metadata and deterministic payloads) under `dir`. */
export async function generateStream(opts: GenerateOptions): Promise<GeneratedStream> {
  const dir = resolve(opts.dir)
  const scale = opts.scale ?? 0.0001
  const label = opts.label ?? 'stable'
  const n = opts.versionsPerProduct ?? 2
  const key = opts.key ?? (await createTestKey())
  const writePayloads = opts.writePayloads ?? true
  const contentIds = {
    ubuntu: `com.ubuntu.maas:${label}:v3:download`,
    bootloader: `com.ubuntu.maas:${label}:1:bootloader-download`,
    centos: `com.ubuntu.maas:${label}:centos-bases-download`
  }

  const plan: Plan = { products: new Map() }
  const kernels =
    opts.kernels ?? defaultKernels(opts.releases ?? ['jammy', 'noble'], opts.arches ?? ['amd64', 'arm64'])
  planUbuntu(plan, contentIds.ubuntu, label, kernels, n)
  if (opts.extraProducts) planExtras(plan, contentIds.ubuntu, label, opts.extraProducts, n)
  if (opts.bootloaders ?? true) planBootloaders(plan, contentIds.bootloader, label, n)
  if (opts.centos ?? true) planCentos(plan, contentIds.centos, label, n)

  // Payloads first (unique paths only: kernels share a squashfs), so metadata can carry real checksums.
  const byPath = new Map<string, { sha256: string; size: number }>()
  const unique = new Map<string, PlannedItem>()
  for (const prod of plan.products.values()) {
    for (const items of prod.versions.values()) {
      for (const it of items.values()) unique.set(String(it.fields.path), it)
    }
  }
  await runLimited(
    [...unique.entries()].map(([path, it]) => async () => {
      const size = scaledSize(it.kind, path, scale)
      if (it.write && writePayloads) byPath.set(path, await writePayload(join(dir, path), size, path))
      else byPath.set(path, { sha256: fakeSha256(path), size })
    }),
    4
  )

  const docs = new Map<string, Json>()
  const products: GeneratedProduct[] = []
  const items: GeneratedItem[] = []
  for (const [name, prod] of plan.products) {
    let doc = docs.get(prod.content_id)
    if (!doc) {
      doc = {
        content_id: prod.content_id,
        datatype: 'image-ids',
        format: 'products:1.0',
        updated: UPDATED,
        products: {}
      }
      docs.set(prod.content_id, doc)
    }
    const versions: Json = {}
    let synthetic = false
    for (const [serial, its] of prod.versions) {
      const itemsJson: Json = {}
      for (const [itemName, it] of its) {
        const { sha256, size } = byPath.get(String(it.fields.path))!
        itemsJson[itemName] = { ...it.fields, sha256, size }
        if (it.write) {
          items.push({
            content_id: prod.content_id,
            product: name,
            version: serial,
            item: itemName,
            ftype: String(it.fields.ftype),
            path: String(it.fields.path),
            sha256,
            size
          })
        } else synthetic = true
      }
      versions[serial] = { items: itemsJson }
    }
    ;(doc.products as Json)[name] = { ...prod.fields, versions }
    products.push({
      content_id: prod.content_id,
      product_name: name,
      fields: Object.fromEntries(Object.entries(prod.fields).map(([k, v]) => [k, String(v)])),
      versions: [...prod.versions.keys()],
      synthetic
    })
  }

  const documents: string[] = []
  const indexEntries = (): Json =>
    Object.fromEntries(
      [...docs.entries()].map(([cid, doc]) => [
        cid,
        {
          datatype: 'image-ids',
          format: 'products:1.0',
          path: `${productsBase(cid)}.json`,
          products: Object.keys(doc.products as Json),
          updated: UPDATED
        }
      ])
    )
  for (const [cid, doc] of docs) {
    const out = opts.condensed ? condenseProducts(doc) : doc
    await writeSignedDocument(dir, productsBase(cid), out, key)
    documents.push(`${productsBase(cid)}.json`, `${productsBase(cid)}.sjson`)
  }
  // index.json names the .json products files and index.sjson the .sjson ones, as on images.maas.io.
  await writeSignedDocument(
    dir,
    'streams/v1/index',
    { format: 'index:1.0', updated: UPDATED, index: indexEntries() },
    key
  )
  documents.push('streams/v1/index.json', 'streams/v1/index.sjson')

  const keyringPath = join(dirname(dir), `${basename(dir)}.keyring.gpg`)
  await writeFile(keyringPath, key.publicKeyBinary)

  return { dir, label, key, keyringPath, contentIds, products, items, documents }
}
