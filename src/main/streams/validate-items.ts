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

/** Items that are not files to import (MAAS skips them too). */
export function isNotFile(fields: Record<string, unknown>): boolean {
  return fields.ftype === 'notifications'
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

/**
 * Checks one expanded item and returns it typed. `fields` must be a fresh object owned by the caller (the
 * expanded copy): it is completed in place and returned as the item. `whereOf` names file, product, version
 * and item (built only when needed) so an admin can
 * find the bad entry upstream.
 */
export function validateItem(
  name: string,
  fields: Record<string, unknown>,
  whereOf: () => string
): StreamItem {
  const { ftype, path } = fields
  if (typeof path !== 'string') throw new AppError('stream_invalid', `${whereOf()}: item has no path`)
  if (!isSafeItemPath(path)) assertSafeItemPath(path, whereOf())
  if (typeof ftype !== 'string' || !ftype)
    throw new AppError('stream_invalid', `${whereOf()}: item has no ftype`)
  let size = fields.size
  // A few writers emit sizes as strings; accept clean integers in either form.
  if (typeof size === 'string' && /^\d+$/.test(size)) size = Number(size)
  if (size === undefined || size === null || size === '') {
    throw new AppError('stream_invalid', `${whereOf()}: item has no size`)
  }
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw new AppError(
      'stream_invalid',
      `${whereOf()}: item size ${JSON.stringify(fields.size)} is not a byte count`
    )
  }
  // Built by assignment (no spread, no delete) so V8 keeps one fast object shape per item layout.
  const item = fields as StreamItem
  item.name = name
  item.size = size
  let any = false
  for (const kind of CHECKSUMS) {
    const v = fields[kind]
    if (v === undefined) continue
    if (v === null || v === '') {
      delete item[kind] // rare: an empty checksum field is the same as none
      continue
    }
    if (typeof v !== 'string' || !HEX[kind].test(v)) {
      throw new AppError(
        'stream_invalid',
        `${whereOf()}: item ${kind} ${JSON.stringify(v)} is not a valid ${kind} digest`
      )
    }
    item[kind] = v.toLowerCase()
    any = true
  }
  if (!any) throw new AppError('stream_invalid', `${whereOf()}: item has no checksum (sha256, sha512 or md5)`)
  return item
}
