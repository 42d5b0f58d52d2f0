/** Reads the manifest a staging writes at the root of its target (maas-images-stage.json). */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'

export const STAGE_MANIFEST_FILE = 'maas-images-stage.json'

export interface StagedManifest {
  format: 'maas-images-stage:1'
  complete: boolean
  staged_at: string
  source_url: string
  names: 'mapped' | 'upstream'
  fingerprints: string[]
  documents: string[]
  items: Array<{ path: string; sha256: string; size: number }>
}

/** The manifest, or null when the directory is not a staged tree (or the file is not ours). */
export async function readStagedManifest(root: string): Promise<StagedManifest | null> {
  try {
    const m = JSON.parse(await readFile(join(root, STAGE_MANIFEST_FILE), 'utf8')) as StagedManifest
    if (m.format !== 'maas-images-stage:1' || !Array.isArray(m.items) || !Array.isArray(m.documents))
      return null
    return m
  } catch {
    return null
  }
}
