/**
 * Connections per host: how many are busy, how many bytes each host delivered, and the adaptive target
 * (concurrency-controller.ts) each host's samples steer. The Downloader asks room() before it starts work
 * for a host and sample() on a timer; a host over its target (after a raise that did not pay) lets its
 * connections go between requests (overTarget).
 */
import { initialConcurrency, nextConcurrency, settled, type ConcurrencyState } from './concurrency-controller'

interface HostLoad {
  state: ConcurrencyState
  active: number
  bytes: number
  /** integral of `active` over time since the last sample, connection-milliseconds */
  busyMs: number
  changedAt: number
}

/** The host part of a URL that connections are counted by; local files count as one "host". */
export function hostKey(url: string | undefined): string {
  if (!url) return ''
  if (url.startsWith('file:')) return 'file:'
  try {
    return new URL(url).host
  } catch {
    return url
  }
}

export class HostConnections {
  private readonly hosts = new Map<string, HostLoad>()
  private sampledAt: number

  constructor(
    /** most connections per host */
    private readonly cap: number,
    private readonly clock: () => number = () => performance.now()
  ) {
    this.sampledAt = clock()
  }

  private load(key: string): HostLoad {
    let h = this.hosts.get(key)
    if (!h) {
      h = { state: initialConcurrency(this.cap), active: 0, bytes: 0, busyMs: 0, changedAt: this.clock() }
      this.hosts.set(key, h)
    }
    return h
  }

  private settle(h: HostLoad): void {
    const now = this.clock()
    h.busyMs += h.active * (now - h.changedAt)
    h.changedAt = now
  }

  room(key: string): boolean {
    const h = this.load(key)
    return h.active < h.state.target
  }

  overTarget(key: string): boolean {
    const h = this.load(key)
    return h.active > h.state.target
  }

  target(key: string): number {
    return this.load(key).state.target
  }

  begin(key: string): void {
    const h = this.load(key)
    this.settle(h)
    h.active++
  }

  end(key: string): void {
    const h = this.load(key)
    this.settle(h)
    h.active--
  }

  received(key: string, bytes: number): void {
    if (bytes > 0) this.load(key).bytes += bytes
  }

  /** Feeds every host's window to its controller; true when some target rose (work may start). */
  sample(): boolean {
    const now = this.clock()
    const ms = now - this.sampledAt
    this.sampledAt = now
    let rose = false
    for (const h of this.hosts.values()) {
      this.settle(h)
      const before = h.state.target
      h.state = nextConcurrency(h.state, { bytes: h.bytes, ms, busy: ms > 0 ? h.busyMs / ms : 0 }, this.cap)
      if (h.state.target > before) rose = true
      h.bytes = 0
      h.busyMs = 0
    }
    return rose
  }

  /** True while some host's target may still change: the sampling timer is needed. */
  get adapting(): boolean {
    for (const h of this.hosts.values()) if (!settled(h.state)) return true
    return this.hosts.size === 0 && this.cap > initialConcurrency(this.cap).target
  }
}
