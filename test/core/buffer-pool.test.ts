/**
 * The I/O buffer pool (src/main/core/buffer-pool.ts): buffers given back are handed out again while work
 * overlaps (fresh ones per file made the CLI's heap governor run full collections that freed nothing), and
 * the spares are dropped once none has been taken for a second, so an idle process holds none.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { BufferPool } from '../../src/main/core/buffer-pool'

afterEach(() => {
  vi.useRealTimers()
})

describe('BufferPool', () => {
  it('hands a buffer given back out again, and makes new ones only for what is out at once', () => {
    let made = 0
    const pool = new BufferPool(() => (made++, Buffer.alloc(16)))
    const a = pool.take()
    const b = pool.take()
    pool.give(a)
    expect(pool.take()).toBe(a)
    pool.give(b)
    pool.give(a)
    // Two out at most, so two made, however many files go through.
    for (let i = 0; i < 10; i++) {
      const x = pool.take()
      const y = pool.take()
      pool.give(x)
      pool.give(y)
    }
    expect(made).toBe(2)
  })

  it('drops its spares a second after the last buffer came back, not before, and not while one is out', () => {
    vi.useFakeTimers()
    const pool = new BufferPool(() => Buffer.alloc(16))
    const a = pool.take()
    const b = pool.take()
    pool.give(a)
    vi.advanceTimersByTime(5000)
    expect(pool.spares).toBe(1)
    pool.give(b)
    vi.advanceTimersByTime(999)
    expect(pool.spares).toBe(2)
    vi.advanceTimersByTime(1)
    expect(pool.spares).toBe(0)
    // Taken again before the second is up: kept.
    const c = pool.take()
    pool.give(c)
    vi.advanceTimersByTime(500)
    pool.give(pool.take())
    vi.advanceTimersByTime(700)
    expect(pool.spares).toBe(1)
  })
})
