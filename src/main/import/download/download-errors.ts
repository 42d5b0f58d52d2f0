/**
 * How a download attempt can end badly, and the one place that says what each ending means: a
 * status no retry can help, a file of the wrong size, a deliberate start-over, a full disk, or an
 * error worth retrying.
 */
import { AppError } from '@shared/errors'

/** What a download error message names: "<product> <item>". */
export interface Labelled {
  label: string
  size: number
}

/** The server answered a status other than the one the request needs. */
export class HttpStatus extends Error {
  constructor(
    readonly status: number,
    readonly appError: AppError
  ) {
    super(appError.message)
  }
}

/** The URL serves a file of another size than the signed one: no retry can help; another URL might. */
export class WrongSize extends Error {
  constructor(readonly appError: AppError) {
    super(appError.message)
  }
}

/** Thrown by the connection that saw a 200 after Range answers: the file starts over, this is no failure. */
export class StartOver extends Error {}

export function wrongSize(job: Labelled, url: string, serverSize: number): WrongSize {
  return new WrongSize(
    new AppError(
      'checksum',
      `size mismatch: ${job.label} at ${url}: the server's file is ${serverSize} bytes, the signed size is ${job.size}`
    )
  )
}

const DISK_FULL = new Set(['ENOSPC', 'EDQUOT'])

/**
 * The one test for "the disk (or the user's quota) is full": an ENOSPC/EDQUOT from the file system,
 * directly or as the cause of an AppError, or an AppError already saying so.
 */
export function isDiskFull(err: unknown): boolean {
  if (err instanceof AppError && err.code === 'no_space') return true
  const code = (err as NodeJS.ErrnoException | undefined)?.code
  const causeCode = ((err as { cause?: NodeJS.ErrnoException } | undefined)?.cause as NodeJS.ErrnoException)
    ?.code
  return (
    (typeof code === 'string' && DISK_FULL.has(code)) ||
    (typeof causeCode === 'string' && DISK_FULL.has(causeCode))
  )
}

/** What a whole import reports when the disk fills: it stops, and says what is kept. */
export function diskFullStop(dir: string, label: string, err: unknown): AppError {
  const why = err instanceof Error ? err.message : String(err)
  return new AppError(
    'no_space',
    `disk full in ${dir} while writing ${label}: the import stopped; ` +
      `every verified file is kept and partial downloads will resume once space is freed (${why})`,
    { cause: err }
  )
}

const RETRYABLE_ERRNO = /^(ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|EAI_AGAIN|ENETUNREACH|EHOSTUNREACH)$/

/** A connection-level failure that another attempt may well get past. */
export function isRetryable(err: unknown): boolean {
  if (err instanceof AppError) return err.code === 'network' || err.code === 'http_status'
  const code = (err as NodeJS.ErrnoException)?.code
  return typeof code === 'string' && RETRYABLE_ERRNO.test(code)
}

/** Any error as an AppError naming the file. */
export function asAppError(err: unknown, job: Labelled): AppError {
  if (err instanceof AppError) return err
  const e = err as NodeJS.ErrnoException
  if (isDiskFull(e))
    return new AppError('no_space', `disk full writing ${job.label}: ${e.message}`, { cause: e })
  return new AppError('io', `${job.label}: ${e?.message ?? String(err)}`, { cause: err })
}
