/**
 * A failed staging is said in plain words where the admin acts on it: a pulled stick, a full one (with how much
 * more is needed), a read-only one. The operating system's code stays in the detail, never in the sentence.
 */
import { describe, expect, it } from 'vitest'
import { AppError, toErrorShape } from '@shared/errors'
import { stagingError } from '../../src/main/stage/staging-error'

const errno = (code: string, message: string): NodeJS.ErrnoException =>
  Object.assign(new Error(`${code}: ${message}`), { code })

describe('stagingError', () => {
  it('a pulled stick (ENOTCONN at the lock) says so and that staging resumes; the code is only in the detail', () => {
    const e = stagingError(
      errno('ENOTCONN', "socket is not connected, open '/m/.maas-images-staging.lock'"),
      {
        target: '/m',
        file: '.maas-images-staging.lock'
      }
    )
    expect(e.message).toBe(
      'The stick was removed while staging (or stopped answering). Plug it in again and press Stage: staging ' +
        'resumes. Files written so far are whole.'
    )
    expect(e.message).not.toMatch(/E[A-Z]{3,}/)
    expect(toErrorShape(e).detail).toMatch(/^ENOTCONN \(\.maas-images-staging\.lock\): /)
  })

  it('a FUSE stick whose daemon went away mid-call (ECONNABORTED) reads as a pulled stick too', () => {
    // fusefat killed between two calls gives ENOTCONN; killed during one, that call ends ECONNABORTED.
    const e = stagingError(errno('ECONNABORTED', "software caused connection abort, lstat '/m/a/b'"), {
      target: '/m',
      file: 'a/b'
    })
    expect(e.message).toMatch(/^The stick was removed while staging/)
    expect(toErrorShape(e).detail).toMatch(/^ECONNABORTED \(a\/b\): /)
  })

  it('a full stick, ENOSPC or fusefat’s EPERM on write, says how much more is needed', () => {
    const full = stagingError(errno('ENOSPC', 'no space left on device, write'), {
      target: '/m',
      remaining: 5_000_000,
      free: 1_000_000
    })
    expect(full.code).toBe('no_space')
    expect(full.message).toMatch(/^The stick is full: 4\.0 MB more are needed\. /)
    const eperm = stagingError(errno('EPERM', 'operation not permitted, write'), {
      target: '/m',
      remaining: 2_000_000,
      free: null
    })
    expect(eperm.message).toMatch(/^The stick is full: 2\.0 MB more are needed/)
    expect(eperm.detail).toMatch(/^EPERM/)
    // EPERM elsewhere (not a write, or with room left) is a refusal, not "full".
    expect(stagingError(errno('EPERM', 'operation not permitted, open'), { target: '/m' }).message).toBe(
      'Writing onto /m failed: the drive refused the write. Press Stage to try again; files written so far are whole.'
    )
  })

  it('a read-only stick, a stop, and an error already in words', () => {
    expect(stagingError(errno('EROFS', 'read-only file system, open'), { target: '/m' }).message).toMatch(
      /^Writing onto \/m failed: the drive is read-only/
    )
    expect(stagingError(errno('EIO', 'x'), { target: '/m', aborted: true }).code).toBe('cancelled')
    const words = new AppError('invalid_argument', 'refusing to stage into /m: it is not empty')
    expect(stagingError(words, { target: '/m' })).toBe(words)
  })
})
