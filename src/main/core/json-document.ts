/**
 * One JSON document in the data directory (state, settings, resources): read() validates it against
 * its schema, update() is a read-modify-write under a cross-process lock that lands by atomic rename.
 * So the app and the CLI never lose each other's changes, a crash never leaves a torn file, and a file
 * that is damaged (not JSON, or not the shape expected) is refused with an error naming it, never
 * read as empty: an empty resources.json would let the cache clean-up delete every image.
 */
import type { z } from 'zod'
import { AppError } from '@shared/errors'
import { readJsonFile, writeFileAtomic } from './atomic-file'
import { withFileLock } from './file-lock'

export interface JsonDocumentOptions<T> {
  path: string
  lockPath: string
  schema: z.ZodType<T>
  /** what a missing file reads as */
  empty: () => T
  /** what the file holds, for messages: "boot sources", "settings" */
  what: string
  /** JSON indentation; resources.json uses 1 to stay small */
  indent?: number
}

export class JsonDocument<T> {
  constructor(private readonly opts: JsonDocumentOptions<T>) {}

  get path(): string {
    return this.opts.path
  }

  async read(): Promise<T> {
    let raw: unknown
    try {
      raw = await readJsonFile<unknown>(this.opts.path)
    } catch (err) {
      if (err instanceof SyntaxError) throw this.damaged(`not valid JSON (${err.message})`)
      throw new AppError('io', `cannot read ${this.opts.path}: ${(err as Error).message}`, { cause: err })
    }
    if (raw === undefined) return this.opts.empty()
    const parsed = this.opts.schema.safeParse(raw)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      const where = issue?.path.length ? ` at ${issue.path.join('.')}` : ''
      throw this.damaged(`${issue?.message ?? 'unexpected content'}${where}`)
    }
    return parsed.data
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

  private damaged(why: string): AppError {
    return new AppError(
      'damaged_file',
      `${this.opts.path} (${this.opts.what}) is damaged: ${why}; repair it, or move it away to start afresh`
    )
  }
}
