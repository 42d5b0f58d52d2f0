/**
 * How a staging that failed is said, in one place: a plain sentence an admin acts on (the stick was pulled,
 * the stick is full, it is read-only), with the operating system's code and the file in `detail`, never in
 * the sentence. Errors already in words (refusals, AppErrors) pass through.
 */
import { AppError } from '@shared/errors'
import { formatBytes } from '@shared/format-bytes'

/** Errors of a drive that went away or broke mid-way. */
const GONE = new Set([
  'EIO',
  'ENODEV',
  'ENXIO',
  'ENOTCONN',
  'ECONNABORTED',
  'ESTALE',
  'ENOENT',
  'EBADF',
  'ESHUTDOWN'
])
/**
 * Errors a full stick gives besides ENOSPC: fusefat answers a write past the last free cluster with EPERM,
 * and a file over the file system's limit is EFBIG.
 */
const FULL_ON_WRITE = new Set(['EPERM', 'EFBIG', 'EDQUOT'])

/** Plain words for the codes a stick gives, for the cases the sentences above do not cover. */
const WORDS: Record<string, string> = {
  EACCES: 'this account may not write there',
  EPERM: 'the drive refused the write',
  EROFS: 'the drive is read-only (a lock switch on the stick, or the system mounted it read-only)',
  EBUSY: 'the drive is busy',
  ENAMETOOLONG: 'a file name is too long for this file system',
  EMFILE: 'too many files are open',
  ETIMEDOUT: 'the drive stopped answering'
}

export interface StagingErrorContext {
  target: string
  /** the file being written or looked at, as a stream path */
  file?: string
  /** bytes still to write when it failed: what "N more are needed" counts on a full stick */
  remaining?: number
  /** free space the file system reports now, when it does */
  free?: number | null
  aborted?: boolean
}

export function stagingError(err: unknown, at: StagingErrorContext): AppError {
  const code = (err as NodeJS.ErrnoException)?.code ?? ''
  const what = at.file ? ` (${at.file})` : ''
  const detail = `${code || (err as Error)?.name || 'error'}${what}: ${(err as Error)?.message ?? String(err)}`
  // Whatever the stop interrupted (a read, a write, an lstat), it is the stop the admin needs to hear about.
  if (at.aborted || code === 'ABORT_ERR' || (err instanceof AppError && err.code === 'cancelled'))
    return new AppError('cancelled', `Staging onto ${at.target} stopped. Press Stage to resume.`)
  if (err instanceof AppError) return err
  const writing = /\bwrite\b/.test((err as Error)?.message ?? '')
  if (code === 'ENOSPC' || (FULL_ON_WRITE.has(code) && writing && (at.free ?? 0) < (at.remaining ?? 1))) {
    const more = at.remaining ? Math.max(0, at.remaining - (at.free ?? 0)) : 0
    return new AppError(
      'no_space',
      `The stick is full${more ? `: ${formatBytes(more)} more are needed` : ''}. Free some space on ` +
        `${at.target} or use a larger stick, then press Stage: staging resumes.`,
      { cause: err, detail }
    )
  }
  if (GONE.has(code))
    return new AppError(
      'io',
      `The stick was removed while staging (or stopped answering). Plug it in again and press Stage: ` +
        'staging resumes. Files written so far are whole.',
      { cause: err, detail }
    )
  const words = WORDS[code]
  return new AppError(
    'io',
    `Writing onto ${at.target} failed${words ? `: ${words}` : ''}. Press Stage to try again; files ` +
      'written so far are whole.',
    { cause: err, detail }
  )
}
