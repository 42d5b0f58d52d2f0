import { AppError } from '@shared/errors'
import { assertSafeItemPath, isSafeItemPath } from './safe-path'

export interface StreamItem {
  name: string
  ftype: string
  path: string
  size: number
  sha256?: string
  sha512?: string
  md5?: string
  [k: string]: unknown
}

/** Strongest first: the one we verify when several are present. */
export const CHECKSUMS = ['sha512', 'sha256', 'md5'] as const
export type ChecksumKind = (typeof CHECKSUMS)[number]

const HEX: Record<ChecksumKind, RegExp> = {
  sha512: /^[0-9a-f]{128}$/i,
  sha256: /^[0-9a-f]{64}$/i,
  md5: /^[0-9a-f]{32}$/i
}

/** Items that are not files to import (MAAS skips them too), by their ftype. */
export function isNotFileType(ftype: unknown): boolean {
  return ftype === 'notifications'
}

export function isNotFile(fields: Record<string, unknown>): boolean {
  return isNotFileType(fields.ftype)
}

export function strongestChecksum(item: {
  sha512?: string
  sha256?: string
  md5?: string
}): { kind: ChecksumKind; value: string } | undefined {
  for (const kind of CHECKSUMS) {
    const value = item[kind]
    if (typeof value === 'string' && value) return { kind, value: value.toLowerCase() }
  }
  return undefined
}

/** The item fields checkedItemSize reads (own or inherited). */
export type ItemKey = 'ftype' | 'path' | 'size' | 'sha512' | 'sha256' | 'md5'

type Obj = Record<string, unknown>

function isScalar(v: unknown): boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
}

/**
 * An item field as expansion gives it to the item: the item's own scalar, else the version's, else the inherited
 * product fields' (null: none at that level).
 */
export function itemValue(own: Obj, version: Obj | null, inherited: Obj | null, key: ItemKey): unknown {
  const v = own[key]
  if (isScalar(v)) return v
  if (version !== null) {
    const fromVersion = version[key]
    if (isScalar(fromVersion)) return fromVersion
  }
  return inherited === null ? undefined : inherited[key]
}

/**
 * Checks one item's fields (read with itemValue) and returns its size as a number; throws naming the item and
 * what is wrong. Shared by validateItem (the expanded item: own = the expanded copy, nothing above it) and the
 * catalogue walk (own = the parsed item, then its version and product), so both refuse exactly the same items
 * with the same messages. `where` + ` item ` + `name` names file, product, version and item, so an admin can
 * find the bad entry upstream; it is only put together when a check fails. No closures on purpose: this runs
 * for each of the ~8,000 items of a big stream.
 */
export function checkedItemSize(
  own: Obj,
  version: Obj | null,
  inherited: Obj | null,
  where: string,
  name: string
): number {
  const path = itemValue(own, version, inherited, 'path')
  if (typeof path !== 'string')
    throw new AppError('stream_invalid', `${where} item ${name}: item has no path`)
  if (!isSafeItemPath(path)) assertSafeItemPath(path, `${where} item ${name}`)
  const ftype = itemValue(own, version, inherited, 'ftype')
  if (typeof ftype !== 'string' || !ftype)
    throw new AppError('stream_invalid', `${where} item ${name}: item has no ftype`)
  const given = itemValue(own, version, inherited, 'size')
  let size = given
  // A few writers emit sizes as strings; accept clean integers in either form.
  if (typeof size === 'string' && /^\d+$/.test(size)) size = Number(size)
  if (size === undefined || size === null || size === '') {
    throw new AppError('stream_invalid', `${where} item ${name}: item has no size`)
  }
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw new AppError(
      'stream_invalid',
      `${where} item ${name}: item size ${JSON.stringify(given)} is not a byte count`
    )
  }
  let any = false
  for (const kind of CHECKSUMS) {
    const v = itemValue(own, version, inherited, kind)
    if (v === undefined || v === null || v === '') continue // an empty checksum field is the same as none
    if (typeof v !== 'string' || !HEX[kind].test(v)) {
      throw new AppError(
        'stream_invalid',
        `${where} item ${name}: item ${kind} ${JSON.stringify(v)} is not a valid ${kind} digest`
      )
    }
    any = true
  }
  if (!any) {
    throw new AppError(
      'stream_invalid',
      `${where} item ${name}: item has no checksum (sha256, sha512 or md5)`
    )
  }
  return size
}

/**
 * Checks one expanded item (checkedItemSize) and returns it typed. `fields` must be a fresh object owned by the
 * caller (the expanded copy, scalars only): it is completed in place and returned as the item. `where` names
 * the item's version in messages (see checkedItemSize).
 */
export function validateItem(name: string, fields: Record<string, unknown>, where: string): StreamItem {
  const size = checkedItemSize(fields, null, null, where, name)
  // Built by assignment (no spread, no delete) so V8 keeps one fast object shape per item layout.
  const item = fields as StreamItem
  item.name = name
  item.size = size
  for (const kind of CHECKSUMS) {
    const v = fields[kind]
    if (v === undefined) continue
    if (v === null || v === '')
      delete item[kind] // rare: an empty checksum field is the same as none
    else item[kind] = (v as string).toLowerCase()
  }
  return item
}
