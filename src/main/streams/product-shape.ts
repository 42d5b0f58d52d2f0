import { AppError } from '@shared/errors'

/**
 * The structure checks a products document gets wherever it is walked (expand-products.ts for the full
 * expansion, catalogue-walk.ts for the catalogue), so both walks refuse the same documents with the same
 * messages.
 */
export type Obj = Record<string, unknown>

export function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

export function child(parent: Obj, key: string, where: string): Obj {
  const v = parent[key]
  if (!isObject(v)) throw new AppError('stream_invalid', `${where}: "${key}" must be an object`)
  return v
}

/**
 * A version or item may not be named `__proto__`: JSON.parse makes it an ordinary key, but the expanded
 * version and item maps are plain objects, where assigning it replaces the map's prototype instead, so the
 * entry would silently vanish from the expanded stream (and a catalogue built without expanding would still
 * count it). No real stream uses the name.
 */
export const RESERVED_NAME = '__proto__'

export function refuseReservedName(where: string): never {
  throw new AppError('stream_invalid', `${where}: the name "${RESERVED_NAME}" is not allowed`)
}

/** Product `productName` of a products document, checked: an object. */
export function checkedProduct(products: Obj, productName: string, pWhere: string): Obj {
  const product = products[productName]
  if (!isObject(product)) throw new AppError('stream_invalid', `${pWhere}: must be an object`)
  return product
}

/** Version `serial` of a product, checked: not the reserved name, an object. */
export function checkedVersion(versionMap: Obj, serial: string, vWhere: string): Obj {
  if (serial === RESERVED_NAME) refuseReservedName(vWhere)
  const version = versionMap[serial]
  if (!isObject(version)) throw new AppError('stream_invalid', `${vWhere}: must be an object`)
  return version
}

/** Item `itemName` of a version, checked: not the reserved name, an object. */
export function checkedItem(itemMap: Obj, itemName: string, vWhere: string): Obj {
  if (itemName === RESERVED_NAME) refuseReservedName(`${vWhere} item ${itemName}`)
  const item = itemMap[itemName]
  if (!isObject(item)) throw new AppError('stream_invalid', `${vWhere} item ${itemName}: must be an object`)
  return item
}
