/** The retry policy alone: no server, no clock, no randomness but the one passed in. */
import { describe, expect, it } from 'vitest'
import { AppError } from '@shared/errors'
import { HttpStatus, isDiskFull, WrongSize } from '../../src/main/import/download/download-errors'
import { MAX_BACKOFF_MS, retryDecision, type RetryInput } from '../../src/main/import/download/retry-policy'

const job = { label: 'p item', size: 10, urls: ['http://a/x', 'http://b/x'] }
const base: RetryInput = {
  err: new AppError('network', 'socket hang up'),
  job,
  urlIndex: 0,
  attempts: 0,
  progressed: 0,
  fileErrors: 0,
  maxAttempts: 6,
  backoffMs: 250,
  now: 1_000_000,
  random: 0.5
}
const status = (n: number): HttpStatus =>
  new HttpStatus(n, new AppError('http_status', `HTTP ${n} fetching x`))

describe('retry policy', () => {
  it('retries a network error with a doubling backoff, jittered by ±25 %', () => {
    expect(retryDecision(base)).toEqual({ action: 'retry', attempts: 1, fileErrors: 1, retryAt: 1_000_250 })
    expect(retryDecision({ ...base, attempts: 2 })).toMatchObject({ attempts: 3, retryAt: 1_001_000 })
    expect(retryDecision({ ...base, attempts: 2, random: 0 })).toMatchObject({ retryAt: 1_000_750 })
    expect(retryDecision({ ...base, attempts: 2, random: 0.999999 }).action).toBe('retry')
    const late = retryDecision({ ...base, attempts: 4, backoffMs: 10_000, random: 0.5 })
    expect(late).toMatchObject({ action: 'retry', retryAt: 1_000_000 + MAX_BACKOFF_MS })
  })

  it('does not count a cut after progress as a strike', () => {
    expect(retryDecision({ ...base, attempts: 5, progressed: 1 })).toMatchObject({
      action: 'retry',
      attempts: 1
    })
  })

  it('gives up after maxAttempts without progress, saying so', () => {
    const d = retryDecision({ ...base, attempts: 5 })
    expect(d).toEqual({
      action: 'fail',
      error: expect.objectContaining({
        code: 'network',
        message: 'socket hang up (gave up after 6 attempts)'
      })
    })
  })

  it('bounds the errors of a file that always progresses a little', () => {
    expect(retryDecision({ ...base, progressed: 1, fileErrors: 120 }).action).toBe('fail')
    expect(retryDecision({ ...base, progressed: 1, fileErrors: 119 }).action).toBe('retry')
  })

  it.each([401, 403, 404, 410, 416, 400])('fails %i at once, after trying the next URL', (n) => {
    expect(retryDecision({ ...base, err: status(n) })).toEqual({ action: 'next-url' })
    const last = retryDecision({ ...base, err: status(n), urlIndex: 1 })
    expect(last).toEqual({
      action: 'fail',
      error: expect.objectContaining({ message: `HTTP ${n} fetching x` })
    })
  })

  it.each([408, 429, 500, 502, 503])('retries %i', (n) => {
    expect(retryDecision({ ...base, err: status(n), urlIndex: 1 }).action).toBe('retry')
  })

  it('fails a wrong size at once, after trying the next URL', () => {
    const err = new WrongSize(new AppError('checksum', 'size mismatch'))
    expect(retryDecision({ ...base, err })).toEqual({ action: 'next-url' })
    expect(retryDecision({ ...base, err, urlIndex: 1 })).toMatchObject({
      action: 'fail',
      error: { code: 'checksum' }
    })
  })

  it('fails at once when a proxy refuses (only new proxy settings can fix that)', () => {
    const refused = new AppError('proxy_refused', 'proxy http://p:3128 refused the request: HTTP 407')
    expect(retryDecision({ ...base, err: refused })).toEqual({ action: 'fail', error: refused })
  })

  it('retries connection errnos and fails other errors naming the file', () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })
    expect(retryDecision({ ...base, err: reset }).action).toBe('retry')
    const perm = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' })
    expect(retryDecision({ ...base, err: perm })).toMatchObject({
      action: 'fail',
      error: { code: 'io', message: 'p item: EACCES: permission denied' }
    })
    expect(retryDecision({ ...base, err: new AppError('checksum', 'bad') }).action).toBe('fail')
  })
})

describe('disk full', () => {
  it('is recognised in each form it takes', () => {
    expect(isDiskFull(Object.assign(new Error('x'), { code: 'ENOSPC' }))).toBe(true)
    expect(isDiskFull(Object.assign(new Error('x'), { code: 'EDQUOT' }))).toBe(true)
    expect(isDiskFull(new AppError('no_space', 'disk full'))).toBe(true)
    expect(
      isDiskFull(new AppError('io', 'x', { cause: Object.assign(new Error('y'), { code: 'ENOSPC' }) }))
    ).toBe(true)
    expect(isDiskFull(Object.assign(new Error('x'), { code: 'EIO' }))).toBe(false)
    expect(isDiskFull(undefined)).toBe(false)
  })
})
