import { describe, expect, it } from 'vitest'
import {
  initialConcurrency,
  nextConcurrency,
  HOLD,
  settled,
  START,
  type ConcurrencyState
} from '../../src/main/import/download/concurrency-controller'
import { HostConnections, hostKey } from '../../src/main/import/download/host-connections'
import { killLossBudget, MIN_REQUEST, RequestSizer } from '../../src/main/import/download/request-sizer'

const MB = 1_000_000

/**
 * A link model: each connection moves at most `perConn` bytes/s and all together at most `ceiling`. Drives the
 * controller window by window with full use (busy = target) and returns the targets it chose.
 */
function drive(cap: number, perConn: number, ceiling: number, windows = 20): number[] {
  let s: ConcurrencyState = initialConcurrency(cap)
  const seen = [s.target]
  for (let i = 0; i < windows; i++) {
    const rate = Math.min(ceiling, s.target * perConn)
    s = nextConcurrency(s, { bytes: rate * 0.25, ms: 250, busy: s.target }, cap)
    seen.push(s.target)
  }
  return seen
}

describe('adaptive concurrency per host (throughput samples in, target connections out)', () => {
  it('starts at 8 and doubles to the cap while each connection adds its share (a per-connection-capped link)', () => {
    const targets = drive(24, 25 * MB, 10_000 * MB)
    expect(targets[0]).toBe(START)
    expect(targets).toContain(16)
    expect(targets[targets.length - 1]).toBe(24)
    expect(Math.max(...targets)).toBe(24)
  })

  it('stops growing, and goes back, when the link is the limit; tries again only now and then', () => {
    // 8 x 25 MB/s already fill a 200 MB/s link: 16 bring nothing, so it returns to 8 and holds there.
    const targets = drive(24, 25 * MB, 200 * MB, 40)
    expect(targets).toContain(16)
    expect(Math.max(...targets)).toBe(16)
    expect(targets[targets.length - 1]).toBe(8)
    // Tries again after HOLD judged windows: most windows stay at 8.
    expect(targets.filter((t) => t === 8).length).toBeGreaterThan(targets.length * 0.7)
    const raises = targets.filter((t, i) => i > 0 && t > targets[i - 1]).length
    expect(raises).toBeGreaterThan(1)
    expect(raises).toBeLessThanOrEqual(Math.ceil(40 / HOLD))
  })

  it('does not count a gain under 10 % as growth', () => {
    // 16 connections bring +8 %: not worth 8 more sockets.
    let s = initialConcurrency(24)
    s = nextConcurrency(s, { bytes: 100 * MB, ms: 1000, busy: 8 }, 24)
    s = nextConcurrency(s, { bytes: 1, ms: 1000, busy: 16 }, 24)
    expect(nextConcurrency(s, { bytes: 108 * MB, ms: 1000, busy: 16 }, 24).target).toBe(8)
    expect(nextConcurrency(s, { bytes: 111 * MB, ms: 1000, busy: 16 }, 24).target).toBe(24)
  })

  it('keeps a raise that pays, then stops at the next that does not', () => {
    // A 420 MB/s link: 8 -> 16 doubles the rate (200 -> 400 MB/s) and is kept; 16 -> 24 brings +5 %: back to 16.
    const targets = drive(24, 25 * MB, 420 * MB)
    expect(targets[targets.length - 1]).toBe(16)
  })

  it('never exceeds the cap, and a cap at or below 8 is the fixed count', () => {
    expect(drive(32, 25 * MB, 10_000 * MB).every((t) => t <= 32)).toBe(true)
    expect(drive(4, 25 * MB, 10_000 * MB).every((t) => t === 4)).toBe(true)
    expect(settled(initialConcurrency(4))).toBe(true)
    expect(initialConcurrency(1).target).toBe(1)
  })

  it('ignores windows with fewer busy connections than the target, and the window after a raise', () => {
    let s = initialConcurrency(24)
    // Only 3 of 8 busy (files still opening): no judgement.
    s = nextConcurrency(s, { bytes: 75 * MB * 0.25, ms: 250, busy: 3 }, 24)
    expect(s).toEqual(initialConcurrency(24))
    s = nextConcurrency(s, { bytes: 200 * MB * 0.25, ms: 250, busy: 8 }, 24)
    expect(s.target).toBe(16)
    // The window right after the raise (connections still opening, rate low) is skipped, not judged.
    const after = nextConcurrency(s, { bytes: 1, ms: 250, busy: 16 }, 24)
    expect(after.target).toBe(16)
    expect(settled(after)).toBe(false)
    // Then judged: the rate doubled with the connections, so it goes on to the cap.
    expect(nextConcurrency(after, { bytes: 400 * MB * 0.25, ms: 250, busy: 16 }, 24).target).toBe(24)
  })
})

describe('connections per host', () => {
  it('counts busy connections per host against each host target and feeds samples to its controller', () => {
    let now = 0
    const h = new HostConnections(24, () => now)
    const a = hostKey('http://a.example:8080/x/y')
    expect(a).toBe('a.example:8080')
    expect(hostKey('file:///media/usb/x')).toBe('file:')
    for (let i = 0; i < 8; i++) h.begin(a)
    expect(h.room(a)).toBe(false)
    // Another host has its own count.
    expect(h.room(hostKey('http://b.example/'))).toBe(true)
    now = 250
    h.received(a, 50 * MB)
    expect(h.sample()).toBe(true)
    expect(h.target(a)).toBe(16)
    expect(h.room(a)).toBe(true)
    expect(h.overTarget(a)).toBe(false)
    // Eight more open; the window after the raise is skipped, the next brings no gain: back to 8, and the
    // host is over its target, so its connections let their segments go between requests.
    for (let i = 0; i < 8; i++) h.begin(a)
    now = 500
    h.received(a, 50 * MB)
    h.sample()
    now = 750
    h.received(a, 50 * MB)
    h.sample()
    expect(h.target(a)).toBe(8)
    expect(h.overTarget(a)).toBe(true)
    for (let i = 0; i < 8; i++) h.end(a)
    expect(h.overTarget(a)).toBe(false)
    expect(h.room(a)).toBe(false)
  })
})

describe('request size under the kill-loss budget', () => {
  it('shares 1.5 % of the run over the connections, never below 256 KiB, never above the latency size', () => {
    const MiB = 1024 * 1024
    const small = new RequestSizer(killLossBudget(126 * MB))
    // A 126 MB import over 8 connections: 1.9 MB / 8 is under the floor.
    expect(small.next(8)).toBe(MIN_REQUEST)
    // 726 MB over 24 connections: 10.9 MB / 24 = 453,750 bytes, down to 64 KiB steps; over 8: 1,361,250.
    const whole = new RequestSizer(killLossBudget(726 * MB))
    expect(whole.next(24)).toBe(384 * 1024)
    expect(whole.next(8)).toBe(1280 * 1024)
    // A huge run: the latency-based size (4 MiB until measured) is the limit.
    expect(new RequestSizer(killLossBudget(100_000 * MB)).next(8)).toBe(4 * MiB)
    // A few-MB run is not cut into crumbs: 2 MiB for one connection.
    expect(new RequestSizer(killLossBudget(700_000)).next(1)).toBe(2 * MiB)
    // What can be in flight stays within the budget (or the floor's 8 x 256 KiB).
    for (const conns of [1, 8, 16, 24]) {
      expect(whole.next(conns) * conns).toBeLessThanOrEqual(Math.max(killLossBudget(726 * MB), conns * MIN_REQUEST))
    }
  })
})
