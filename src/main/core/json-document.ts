/**
 * The one way JSON files of the data directory are read: validated against their schema, a missing file
 * read as nothing, and a file that is damaged (not JSON, or not the shape expected) refused with an error
 * naming it, never read as empty: an empty resources.json would let the cache clean-up delete every image.
 * `readJsonDocument` reads a file one writer replaces whole (the last import's result, a pin, a manifest);
 * `JsonDocument` (state, settings, resources) adds update(): a read-modify-write under a cross-process lock
 * that lands by atomic rename, so the app and the CLI never lose each other's changes and a crash never
 * leaves a torn file.
 */
import type { z } from 'zod'
import { AppError } from '@shared/errors'
import { readJsonFile, writeFileAtomic } from './atomic-file'
import { withFileLock } from './file-lock'

/** One JSON file of the data directory and the schema it must meet. */
export interface JsonFile<T> {
  path: string
  schema: z.ZodType<T>
  /** what the file holds, for messages: "boot sources", "settings" */
  what: string
}

/**
 * The file as its schema reads it; undefined when it does not exist. AppError('damaged_file') naming the
 * file, what it holds and the first problem when it is not JSON or not of the schema's shape.
 */
export async function readJsonDocument<T>(file: JsonFile<T>): Promise<T | undefined> {
  let raw: unknown
  try {
    raw = await readJsonFile<unknown>(file.path)
  } catch (err) {
    if (err instanceof SyntaxError) throw damagedFile(file, `not valid JSON (${err.message})`)
    throw new AppError('io', `cannot read ${file.path}: ${(err as Error).message}`, { cause: err })
  }
  if (raw === undefined) return undefined
  const parsed = file.schema.safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue?.path.length ? ` at ${issue.path.join('.')}` : ''
    throw damagedFile(file, `${issue?.message ?? 'unexpected content'}${where}`)
  }
  return parsed.data
}

function damagedFile(file: { path: string; what: string }, why: string): AppError {
  return new AppError(
    'damaged_file',
    `${file.path} (${file.what}) is damaged: ${why}; repair it, or move it away to start afresh`
  )
}

export interface JsonDocumentOptions<T> extends JsonFile<T> {
  lockPath: string
  /** what a missing file reads as */
  empty: () => T
  /** JSON indentation; resources.json uses 1 to stay small */
  indent?: number
}

export class JsonDocument<T> {
  constructor(private readonly opts: JsonDocumentOptions<T>) {}

  get path(): string {
    return this.opts.path
  }

  async read(): Promise<T> {
    return (await readJsonDocument(this.opts)) ?? this.opts.empty()
  }

  /** Applies `change` to the freshest document (in place) and saves it; returns what `change` returns. */
  async update<R>(change: (doc: T) => R | Promise<R>): Promise<R> {
    return withFileLock(this.opts.lockPath, async () => {
      const doc = await this.read()
      const result = await change(doc)
      await this.write(doc)
      return result
    })
  }

  /** Saves what `next` makes of the freshest document, under the lock; returns the saved document. */
  async replace<D extends T>(next: (doc: T) => D | Promise<D>): Promise<D> {
    return withFileLock(this.opts.lockPath, async () => {
      const doc = await next(await this.read())
      await this.write(doc)
      return doc
    })
  }

  private async write(doc: T): Promise<void> {
    const indent = this.opts.indent ?? 2
    await writeFileAtomic(this.opts.path, JSON.stringify(doc, null, indent) + '\n')
  }
}
