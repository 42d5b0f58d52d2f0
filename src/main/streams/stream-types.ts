import type { SignatureInfo } from '@shared/types'
import type { StreamItem } from './validate-items'

export type { StreamItem } from './validate-items'

export interface StreamVersion {
  version: string
  fields: Record<string, unknown>
  items: Record<string, StreamItem>
}

export interface StreamProduct {
  product_name: string
  content_id: string
  /** expanded scalars incl. os, release, arch, subarch, label... */
  fields: Record<string, unknown>
  versions: Record<string, StreamVersion>
}

export interface StreamDocument {
  /** relative to stream root, e.g. streams/v1/index.sjson */
  path: string
  /** where it was read from (final URL after redirects, or file path) */
  url: string
  /** exact bytes as served */
  raw: Buffer
  signature: SignatureInfo
  /** the document's `updated` field, when it has one: a later read may not go back before it */
  updated?: string
}

/** A stream's documents, each verified (or read under the unsigned policy) and its products validated. */
export interface VerifiedDocuments {
  /** http(s) URL ending in '/' or a directory path */
  rootUrl: string
  /** false when the source URL ends in .json (read unsigned) */
  verified: boolean
  documents: StreamDocument[]
}

export interface VerifiedStream extends VerifiedDocuments {
  products: StreamProduct[]
}
