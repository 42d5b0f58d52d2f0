import { describe, expect, it } from 'vitest'
import { latestOnly } from '../../src/renderer/src/logic/latest-only'

describe('latestOnly', () => {
  it('lets only the newest of overlapping requests land', () => {
    const latest = latestOnly()
    const first = latest.begin()
    const second = latest.begin()
    expect(first()).toBe(false)
    expect(second()).toBe(true)
  })

  it('makes every request in flight stale on invalidate', () => {
    const latest = latestOnly()
    const pending = latest.begin()
    latest.invalidate()
    expect(pending()).toBe(false)
    expect(latest.begin()()).toBe(true)
  })
})
