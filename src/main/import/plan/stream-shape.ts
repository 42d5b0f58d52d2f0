/**
 * The parts of a verified stream the importer reads. Declared here (structurally compatible with
 * streams/read-stream's VerifiedStream) so planning can be unit-tested with hand-made products.
 */
export interface StreamItemShape {
  name: string
  ftype: string
  path: string
  size: number
  sha256?: string
  sha512?: string
  md5?: string
}

export interface StreamVersionShape {
  version: string
  fields?: Record<string, unknown>
  items: Record<string, StreamItemShape>
}

export interface StreamProductShape {
  product_name: string
  content_id: string
  /** expanded (inherited) scalar fields: os, release, arch, subarch, subarches, kflavor, label, ... */
  fields: Record<string, unknown>
  versions: Record<string, StreamVersionShape>
}

export interface StreamShape {
  rootUrl: string
  products: StreamProductShape[]
}

/** A scalar field as a string, looked up on the version first (inheritance flows downwards), then the product. */
export function fieldOf(
  product: StreamProductShape,
  version: StreamVersionShape | undefined,
  key: string
): string {
  const v = version?.fields?.[key] ?? product.fields[key]
  return v === undefined || v === null ? '' : String(v)
}
