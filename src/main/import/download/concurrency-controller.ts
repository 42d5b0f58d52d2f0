/**
 * How many connections one host gets: adaptive concurrency, a pure function of throughput samples (tested
 * without a server in test/import/concurrency-controller.test.ts). It starts at START (or the cap, if lower),
 * and after each sample window judged at full use it doubles the target, up to the cap, as long as the last
 * raise paid: the aggregate rate grew by at least MIN_GAIN. When a raise does not pay (the link, the server or
 * the CPU is the limit), it goes back to the previous target and holds it: no more connections than help, so
 * a CDN sees a polite client and a loaded machine is not asked to juggle sockets for nothing. After HOLD
 * windows it tries the raise again, since one window on a busy machine can mislead, and links change.
 *
 * Windows in which fewer connections were busy than the target (not enough work left, files still opening)
 * say nothing about whether more would help, and the window right after a raise is skipped (the new
 * connections are still being opened).
 */

/**
 * Connections per host before anything is measured: as many as the benchmark's reference client opens per
 * server (aria2c -x8). More are opened only when they raise the throughput (and, above 8, only as many as the
 * kill-loss budget allows: see Downloader).
 */
export const START = 8
/** Multiplier of each raise. */
const GROWTH = 2
/** A raise pays when the aggregate rate grows by at least this share. */
export const MIN_GAIN = 0.1
/** Judged windows a target is held after a raise that did not pay, before trying again. */
export const HOLD = 8

export interface ConcurrencyState {
  target: number
  /** target and rate of the last judged window before the raise now being tried; rate 0 when none yet */
  baseTarget: number
  baseRate: number
  /** windows still to skip after a raise */
  skip: number
  /** judged windows left before the next raise is tried; 0 while raising; Infinity once the cap paid */
  hold: number
}

export interface ThroughputSample {
  /** bytes received from the host in the window */
  bytes: number
  /** length of the window */
  ms: number
  /** mean number of the host's connections busy over the window */
  busy: number
}

export function initialConcurrency(cap: number): ConcurrencyState {
  const target = Math.max(1, Math.min(cap, START))
  return { target, baseTarget: target, baseRate: 0, skip: 0, hold: target >= cap ? Infinity : 0 }
}

/** The target will not change any more (the sampling timer may stop). */
export function settled(s: ConcurrencyState): boolean {
  return s.hold === Infinity
}

export function nextConcurrency(
  s: ConcurrencyState,
  sample: ThroughputSample,
  cap: number
): ConcurrencyState {
  if (settled(s) || sample.ms <= 0) return s
  if (s.skip > 0) return { ...s, skip: s.skip - 1 }
  // Work-limited: the window does not say whether more connections would help.
  if (sample.busy < s.target - 0.5) return s
  const rate = (sample.bytes * 1000) / sample.ms
  // Even a raise to the cap is judged once: when it does not pay, the target goes back.
  const raise = (): ConcurrencyState => ({
    target: Math.min(cap, Math.ceil(s.target * GROWTH)),
    baseTarget: s.target,
    baseRate: rate,
    skip: 1,
    hold: 0
  })
  if (s.hold > 0) {
    // Holding after a raise that did not pay: wait, then try again from a fresh base.
    return s.hold === 1 ? raise() : { ...s, hold: s.hold - 1 }
  }
  if (s.baseRate === 0 || s.target === s.baseTarget) {
    // First judged window at this target: the base for the next raise.
    if (s.target >= cap) return { ...s, baseRate: rate, hold: Infinity }
    return raise()
  }
  if (rate < s.baseRate * (1 + MIN_GAIN)) {
    return { target: s.baseTarget, baseTarget: s.baseTarget, baseRate: s.baseRate, skip: 0, hold: HOLD }
  }
  if (s.target >= cap) return { ...s, baseRate: rate, hold: Infinity }
  return raise()
}
