/**
 * The two files an import leaves in the data directory for other processes (the CLI beside the app):
 * the progress snapshot of the import running now (import-progress.json) and the last import's result
 * (last-import.json). Each has one writer, which replaces it whole; readers check it against the entity's
 * schema through json-document, so a damaged file is named, never half-used.
 */
import { rename, rm, writeFile } from 'node:fs/promises'
import { importProgressSchema, importResultSchema } from '@shared/entity-schemas'
import type { ImportProgress, ImportResult } from '@shared/types'
import { writeFileAtomic } from '../core/atomic-file'
import { dataLayout } from '../core/data-layout'
import { readJsonDocument } from '../core/json-document'

/** The snapshot of the import running now; null when none has written one. */
export async function readProgressSnapshot(dataDir: string): Promise<ImportProgress | null> {
  const path = dataLayout(dataDir).importProgress
  return (
    (await readJsonDocument({
      path,
      schema: importProgressSchema,
      what: 'progress of the running import'
    })) ?? null
  )
}

/** Best effort, no fsync: a progress snapshot is worthless after a crash anyway. */
export async function writeProgressSnapshot(dataDir: string, p: ImportProgress): Promise<void> {
  const path = dataLayout(dataDir).importProgress
  const tmp = `${path}.${process.pid}.tmp`
  try {
    await writeFile(tmp, JSON.stringify(p))
    await rename(tmp, path)
  } catch {
    await rm(tmp, { force: true }).catch(() => undefined)
  }
}

export async function removeProgressSnapshot(dataDir: string): Promise<void> {
  await rm(dataLayout(dataDir).importProgress, { force: true })
}

/** The last import's result; null before the first import. */
export async function readLastResult(dataDir: string): Promise<ImportResult | null> {
  const path = dataLayout(dataDir).lastImport
  return (
    (await readJsonDocument({ path, schema: importResultSchema, what: 'result of the last import' })) ?? null
  )
}

export async function writeLastResult(dataDir: string, result: ImportResult): Promise<void> {
  await writeFileAtomic(dataLayout(dataDir).lastImport, JSON.stringify(result, null, 1))
}
