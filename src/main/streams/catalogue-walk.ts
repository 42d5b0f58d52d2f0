import type { CatalogueEntry } from '@shared/types'
import { entryOf } from './catalogue'
import { inherit, scalarsOf } from './inherit'
import { checkedItem, checkedProduct, checkedVersion, child } from './product-shape'
import type { ProductsDoc } from './schema'
import { compareSerials } from './serials'
import { checkedItemSize, isNotFileType, itemValue } from './validate-items'

/**
 * The catalogue entries of a products document without expanding it: the same walk as expandEachProduct
 * (expand-products.ts), with the same structure checks and every item of every version checked by the same
 * checkedItemSize, in the same order, so it refuses exactly the documents the full expansion refuses, with
 * the same message. What it does not do is copy: no version fields, no item objects, no item maps; per product it keeps
 * the product's scalar fields (the entry shows them) and the size of its latest version. Gives each entry to
 * `visit` in document order (products without versions have none) and, like expandEachProduct, removes each
 * product from `doc.products` once walked.
 */
export function catalogueOfProducts(
  doc: ProductsDoc,
  contentId: string,
  name: string,
  visit: (entry: CatalogueEntry) => void
): void {
  const top = scalarsOf(doc)
  for (const productName in doc.products) {
    const pWhere = `${name}: product ${productName}`
    const product = checkedProduct(doc.products, productName, pWhere)
    const productFields = inherit(top, product)
    const versionMap = child(product, 'versions', pWhere)
    let latest = ''
    let latestSize = 0
    for (const serial in versionMap) {
      const vWhere = `${pWhere} version ${serial}`
      const version = checkedVersion(versionMap, serial, vWhere)
      const itemMap = child(version, 'items', vWhere)
      let size = 0
      for (const itemName in itemMap) {
        const item = checkedItem(itemMap, itemName, vWhere)
        // Notifications are messages, not files: not checked or counted, as expandProducts leaves them out.
        if (isNotFileType(itemValue(item, version, productFields, 'ftype'))) continue
        size += checkedItemSize(item, version, productFields, vWhere, itemName)
      }
      if (latest === '' || compareSerials(serial, latest) > 0) {
        latest = serial
        latestSize = size
      }
    }
    delete doc.products[productName]
    if (latest !== '') visit(entryOf(productName, contentId, productFields, latest, latestSize))
  }
}
