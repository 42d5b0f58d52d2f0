/**
 * SimpleStreams "condensed" form: a scalar on the top level applies to every product, one on a product to its
 * versions, one on a version to its items. Lists and objects are not inherited. These helpers expand it.
 */
export type Scalars = Record<string, string | number | boolean>

export function scalarsOf(node: Record<string, unknown>): Scalars {
  const out: Scalars = {}
  for (const key in node) {
    const v = node[key]
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[key] = v
  }
  return out
}

/** The fields a child ends up with: everything inherited, overridden by its own scalars and extra keys. */
export function inherit(parent: Scalars, own: Record<string, unknown>): Scalars {
  return { ...parent, ...scalarsOf(own) }
}
