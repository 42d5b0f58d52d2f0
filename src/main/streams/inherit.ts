/**
 * SimpleStreams "condensed" form: a scalar on the top level applies to every product, one on a product to its
 * versions, one on a version to its items. Lists and objects are not inherited. These helpers expand it.
 * Plain loops instead of spreads: this runs for every item of a 2,000-product stream.
 */
export type Scalars = Record<string, string | number | boolean>

function isScalar(v: unknown): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
}

export function scalarsOf(node: Record<string, unknown>): Scalars {
  const out: Scalars = {}
  for (const key in node) {
    const v = node[key]
    if (isScalar(v)) out[key] = v
  }
  return out
}

/** The fields a child ends up with: everything inherited, overridden by its own scalars. */
export function inherit(parent: Scalars, own: Record<string, unknown>): Scalars {
  const out: Scalars = {}
  for (const key in parent) out[key] = parent[key]
  for (const key in own) {
    const v = own[key]
    if (isScalar(v)) out[key] = v
  }
  return out
}
