/**
 * What to do after one attempt at a segment failed: try the next URL for the same bytes, fail the
 * file, or retry after an exponential backoff with jitter. A pure function of the error and the
 * counters, so it is tested without a server (test/import/retry-policy.test.ts).
 */
import { AppError } from '@shared/errors'
import { asAppError, HttpStatus, isRetryable, WrongSize, type Labelled } from './download-errors'

export interface RetryInput {
  err: unknown
  job: Labelled & { urls: readonly string[] }
  /** index of the URL the attempt used */
  urlIndex: number
  /** failed attempts of the segment so far, before this one */
  attempts: number
  /** bytes the failed attempt wrote */
  progressed: number
  /** failed attempts of the whole file so far, before this one */
  fileErrors: number
  /** attempts per segment without progress before the file fails */
  maxAttempts: number
  /** first backoff; doubles each attempt up to 15 s */
  backoffMs: number
  now: number
  /** a number in [0, 1): the jitter */
  random: number
}

export type RetryDecision =
  | { action: 'next-url' }
  | { action: 'fail'; error: AppError }
  | { action: 'retry'; attempts: number; fileErrors: number; retryAt: number }

export const MAX_BACKOFF_MS = 15_000

/** A status that says the URL will not serve these bytes however often it is asked. */
function permanent(err: HttpStatus | WrongSize): boolean {
  if (err instanceof WrongSize) return true
  return err.status >= 400 && err.status < 500 && err.status !== 408 && err.status !== 429
}

export function retryDecision(i: RetryInput): RetryDecision {
  const { err } = i
  if (err instanceof HttpStatus || err instanceof WrongSize) {
    if (permanent(err)) {
      // The bytes may be elsewhere (another source holding the same sha256): try that before failing.
      if (i.urlIndex + 1 < i.job.urls.length) return { action: 'next-url' }
      return { action: 'fail', error: err.appError }
    }
  } else if (!isRetryable(err)) {
    return { action: 'fail', error: asAppError(err, i.job) }
  }
  // Progress made means the link works: a cut half-way through is not a strike against the file (a server
  // that never gets far is still bounded by the per-file error cap below).
  const attempts = i.progressed > 0 ? 1 : i.attempts + 1
  const fileErrors = i.fileErrors + 1
  if (attempts >= i.maxAttempts || fileErrors > i.maxAttempts * 20) {
    const last = err instanceof HttpStatus ? err.appError : asAppError(err, i.job)
    return {
      action: 'fail',
      error: new AppError(last.code, `${last.message} (gave up after ${attempts} attempts)`)
    }
  }
  const delay = Math.min(MAX_BACKOFF_MS, i.backoffMs * 2 ** (attempts - 1)) * (0.75 + i.random / 2)
  return { action: 'retry', attempts, fileErrors, retryAt: i.now + delay }
}
