import { inherit, scalarsOf, type Scalars } from './inherit'
import { checkedItem, checkedProduct, checkedVersion, child, type Obj } from './product-shape'
import type { ProductsDoc } from './schema'
import type { StreamProduct, StreamVersion } from './stream-types'
import { isNotFile, validateItem, type ItemKey } from './validate-items'

/**
 * Item fields a reader needs on the item itself even when a condensed stream hoisted them higher up
 * (catalogue-walk.ts reads the same ones through the hierarchy instead of copying them).
 */
const ITEM_KEYS: readonly ItemKey[] = ['ftype', 'path', 'size', 'sha256', 'sha512', 'md5']

/**
 * An item's own scalars plus the ITEM_KEYS it inherits. Copying every inherited product field into each of the
 * ~8,000 items of a big stream tripled the read time; the full view is `{ ...version.fields, ...item }`.
 */
function itemFields(versionFields: Scalars, item: Obj): Obj {
  const out: Obj = scalarsOf(item)
  for (const key of ITEM_KEYS)
    if (out[key] === undefined && versionFields[key] !== undefined) out[key] = versionFields[key]
  return out
}

/**
 * Expands a products document one product at a time and hands each to `visit` as soon as it is whole: scalar
 * fields flow top level -> product -> version (all expanded into `fields`) -> item (own fields + ITEM_KEYS; see
 * itemFields), the version/item structure is checked, and every item is validated (size, checksum, safe path)
 * before its product is visited. `name` is the document's stream-relative path, used in messages. Consumes
 * `doc.products`: each product is removed from it once expanded, so a visitor that keeps only what it needs
 * (the catalogue: one entry per product) never holds the whole expanded document.
 */
export function expandEachProduct(
  doc: ProductsDoc,
  contentId: string,
  name: string,
  visit: (product: StreamProduct) => void
): void {
  const top = scalarsOf(doc)
  for (const productName in doc.products) {
    const pWhere = `${name}: product ${productName}`
    const product = checkedProduct(doc.products, productName, pWhere)
    const productFields = inherit(top, product)
    const versionMap = child(product, 'versions', pWhere)
    const versions: Record<string, StreamVersion> = {}
    for (const serial in versionMap) {
      const vWhere = `${pWhere} version ${serial}`
      const version = checkedVersion(versionMap, serial, vWhere)
      const versionFields = inherit(productFields, version)
      const itemMap = child(version, 'items', vWhere)
      const items: StreamVersion['items'] = {}
      for (const itemName in itemMap) {
        const item = checkedItem(itemMap, itemName, vWhere)
        const fields = itemFields(versionFields, item)
        // Notifications are messages, not files: keep them out of the item list rather than fail on them.
        if (isNotFile(fields)) continue
        items[itemName] = validateItem(itemName, fields, vWhere)
      }
      versions[serial] = { version: serial, fields: versionFields, items }
    }
    // The parsed product is no longer needed once expanded: letting it go now means the parsed tree and the
    // expanded products of a huge document are never both whole in memory. (Deleting the key being visited is
    // allowed in for-in.)
    delete doc.products[productName]
    visit({ product_name: productName, content_id: contentId, fields: productFields, versions })
  }
}

/** Every product of a products document, expanded and validated (see expandEachProduct). */
export function expandProducts(doc: ProductsDoc, contentId: string, name: string): StreamProduct[] {
  const out: StreamProduct[] = []
  expandEachProduct(doc, contentId, name, (p) => out.push(p))
  return out
}
