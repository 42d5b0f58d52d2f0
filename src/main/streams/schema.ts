import { z } from 'zod'
import { AppError } from '@shared/errors'

/**
 * Structural schemas for the two SimpleStreams document kinds. Deliberately loose about extra keys (streams
 * grow new fields) and about item fields, which may be inherited (condensed form): items are checked after
 * expansion, in validate-items.ts.
 */
export const indexSchema = z.looseObject({
  format: z.literal('index:1.0'),
  updated: z.string().optional(),
  index: z.record(
    z.string(),
    z.looseObject({
      path: z.string(),
      format: z.string().optional(),
      datatype: z.string().optional(),
      products: z.array(z.string()).optional()
    })
  )
})

/**
 * Products documents are checked by zod down to the product map only: the real file has thousands of products,
 * and zod cloning every version and item object costs more than the rest of the read. expand-products.ts checks
 * the deeper levels by hand while it walks them anyway, with messages naming product, version and item.
 */
export const productsSchema = z.looseObject({
  format: z.literal('products:1.0'),
  content_id: z.string().optional(),
  products: z.record(z.string(), z.unknown())
})
export type ProductsDoc = z.infer<typeof productsSchema>

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.length ? issue.path.map(String).join(' > ') : '(top level)'
  return `${where}: ${issue.message}`
}

/** Parses an already-JSON-decoded document, with the file and the offending place in the message. */
export function parseDocument<T>(
  schema: z.ZodType<T>,
  value: unknown,
  expectedFormat: string,
  name: string
): T {
  const format = (value as { format?: unknown } | null)?.format
  if (format !== expectedFormat) {
    throw new AppError(
      'stream_invalid',
      `${name}: wrong format ${JSON.stringify(format ?? null)} (expected "${expectedFormat}")`
    )
  }
  const result = schema.safeParse(value)
  if (!result.success) {
    throw new AppError(
      'stream_invalid',
      `${name}: invalid document: ${describeIssue(result.error.issues[0])}`
    )
  }
  return result.data
}

export function parseJson(text: string, name: string): unknown {
  try {
    return JSON.parse(text)
  } catch (err) {
    throw new AppError('stream_invalid', `${name}: not valid JSON: ${(err as Error).message}`, { cause: err })
  }
}
