/**
 * Produces the "condensed" form of a products tree the way simplestreams writers do: a scalar that every child
 * carries with the same value moves up to the parent (items -> version -> product -> top). Lists and objects
 * stay put, and the keys MAAS never hoists stay on the items.
 */
type Node = Record<string, unknown>

const NEVER_HOIST = new Set([
  'ftype',
  'path',
  'sha256',
  'sha512',
  'md5',
  'kpackage',
  'di_version',
  'src_package',
  'src_release',
  'src_version'
])

function isScalar(v: unknown): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
}

function hoist(parent: Node, children: Node[]): void {
  if (children.length === 0) return
  const candidates = Object.keys(children[0]).filter((k) => !NEVER_HOIST.has(k) && isScalar(children[0][k]))
  for (const key of candidates) {
    const value = children[0][key]
    if (!children.every((c) => c[key] === value)) continue
    // A different value already on the parent would be shadowed for the siblings that rely on it.
    if (key in parent && parent[key] !== value) continue
    parent[key] = value
    for (const c of children) delete c[key]
  }
}

export function condenseProducts<T extends Node>(tree: T): T {
  const copy = structuredClone(tree) as Node
  const products = Object.values(copy.products as Record<string, Node>)
  for (const product of products) {
    const versions = Object.values(product.versions as Record<string, Node>)
    for (const version of versions) hoist(version, Object.values(version.items as Record<string, Node>))
    hoist(product, versions)
  }
  hoist(copy, products)
  return copy as T
}
