import { inherit, scalarsOf } from './inherit'
import type { ProductsDoc } from './schema'
import type { StreamProduct, StreamVersion } from './stream-types'
import { isNotFile, validateItem } from './validate-items'

/**
 * Turns a validated products document into expanded products: scalar fields flow top level -> product ->
 * version -> item, and every item is checked (size, checksum, safe path). `name` is the document's
 * stream-relative path, used in messages.
 */
export function expandProducts(doc: ProductsDoc, contentId: string, name: string): StreamProduct[] {
  const top = scalarsOf(doc)
  const out: StreamProduct[] = []
  for (const [productName, product] of Object.entries(doc.products)) {
    const productFields = inherit(top, product)
    const versions: Record<string, StreamVersion> = {}
    for (const [serial, version] of Object.entries(product.versions)) {
      const versionFields = inherit(productFields, version)
      const items: StreamVersion['items'] = {}
      for (const [itemName, item] of Object.entries(version.items)) {
        const fields = inherit(versionFields, item)
        // Notifications are messages, not files: keep them out of the item list rather than fail on them.
        if (isNotFile(fields)) continue
        const where = `${name}: product ${productName} version ${serial} item ${itemName}`
        items[itemName] = validateItem(itemName, fields, where)
      }
      versions[serial] = { version: serial, fields: versionFields, items }
    }
    out.push({ product_name: productName, content_id: contentId, fields: productFields, versions })
  }
  return out
}
