/** Schema validation that fails with one readable line, the same for IPC, WebSocket and CLI input. */
import type { z } from 'zod'
import { AppError } from './errors'

export function validate<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  const issue = result.error.issues[0]
  const where = issue?.path.length ? `${issue.path.join('.')}: ` : ''
  throw new AppError('invalid_argument', `invalid ${what}: ${where}${issue?.message ?? 'bad value'}`)
}
