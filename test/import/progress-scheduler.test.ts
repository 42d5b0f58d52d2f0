import { rm } from 'node:fs/promises'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { ImportProgress, ImportResult, Settings } from '@shared/types'
import { ImportProgressTracker } from '../../src/main/import/import-progress'
import { SyncScheduler } from '../../src/main/import/scheduler'
import type { ImportEngine } from '../../src/main/import'
import { FileRanges, splitPoint } from '../../src/main/import/download/file-ranges'
import { tempDir } from './helpers'

afterEach(() => vi.useRealTimers())

describe('progress tracker', () => {
  it('emits at most every 100 ms however many updates arrive, with per-resource percent and totals', async () => {
    const events: Array<{ t: number; p: ImportProgress }> = []
    const t = new ImportProgressTracker((p) => events.push({ t: Date.now(), p }))
    t.setPhase('downloading')
    t.plan(
      [
        { sha256: 'a', size: 1000, label: 'p boot-kernel' },
        { sha256: 'b', size: 3000, label: 'p squashfs' }
      ],
      [
        {
          id: 7,
          name: 'ubuntu/noble',
          architecture: 'amd64/ga-24.04',
          files: [
            { sha256: 'a', size: 1000 },
            { sha256: 'b', size: 3000 }
          ],
          size: 4000
        }
      ],
      new Set()
    )
    const end = Date.now() + 450
    while (Date.now() < end) {
      t.bytes('b', 1)
      await new Promise((r) => setImmediate(r))
    }
    t.fileDone('a', 1000)
    // The trailing event leaves within the interval on an idle machine; load can only delay it.
    for (const deadline = Date.now() + 10_000; events.at(-1)?.p.files_done !== 1 && Date.now() < deadline; )
      await new Promise((r) => setTimeout(r, 10))
    for (let i = 1; i < events.length; i++) expect(events[i].t - events[i - 1].t).toBeGreaterThanOrEqual(99)
    expect(events.length).toBeLessThanOrEqual(7)
    const last = events[events.length - 1].p
    expect(last.files_done).toBe(1)
    expect(last.bytes_done).toBe(1000 + Math.min(3000, last.bytes_done - 1000))
    expect(last.resources[0].status).toMatch(/^Downloading \d+%$/)
    // Per file: the one still downloading, with its bytes.
    expect(last.active_files).toEqual([
      { label: 'p squashfs', sha256: 'b', bytes_done: last.bytes_done - 1000, size: 3000 }
    ])
    // Not every file is verified yet, so never 100%.
    expect(last.resources[0].percent).toBe(Math.min(99, Math.floor((last.bytes_done / 4000) * 100)))
  })
})

describe('range splitting', () => {
  it('splits where no requested byte is wasted when it can', () => {
    const r = new FileRanges(100 << 20)
    const s = r.takeIdle()!
    s.claimed = 16 << 20
    // The middle is past the current request: cut there.
    expect(splitPoint(s, 4 << 20, 2 << 20)).toBe(50 << 20)
    s.pos = 40 << 20
    s.claimed = 56 << 20
    // The middle (70 MiB) is past the request end too.
    expect(splitPoint(s, 4 << 20, 2 << 20)).toBe(70 << 20)
    s.claimed = 90 << 20
    // Inside the request now: cut at its end, since what follows is still big enough.
    expect(splitPoint(s, 4 << 20, 2 << 20)).toBe(90 << 20)
    const tail = r.split(s, 90 << 20)
    expect([s.end, tail.start, tail.end, tail.pos]).toEqual([90 << 20, 90 << 20, 100 << 20, 90 << 20])
    expect(r.contiguousPrefix()).toBe(40 << 20)
    // What the resume journal stores (the written ranges) rebuilds the same progress.
    expect(FileRanges.fromCovered(100 << 20, r.writtenRanges()).doneBytes).toBe(40 << 20)
    // Overlapping, unordered journal lines merge into one tiling of the whole file.
    const rebuilt = FileRanges.fromCovered(100, [[50, 60], [0, 10], [5, 20]])
    expect(rebuilt.writtenRanges()).toEqual([[0, 20], [50, 60]])
    expect(rebuilt.segments.map((g) => [g.start, g.end, g.pos])).toEqual([[0, 20, 20], [20, 50, 20], [50, 60, 60], [60, 100, 60]])
  })
})

describe('sync scheduler', () => {
  const settings = (over: Partial<Settings> = {}): Settings => ({
    auto_sync: true,
    start_at_login: false,
    sync_interval_minutes: 60,
    connections: 8,
    proxy: { http_proxy: '', https_proxy: '', no_proxy: '' },
    commissioning_distro_series: 'noble',
    ...over
  })

  function fakeEngine(last: ImportResult | null) {
    const state = { last, runs: 0, next: null as Date | null }
    const engine = {
      lastResult: async () => state.last,
      isImporting: async () => false,
      runImport: async () => {
        state.runs++
        const now = new Date().toISOString()
        state.last = {
          ok: true,
          started_at: now,
          finished_at: now,
          downloaded_bytes: 0,
          failures: [],
          notes: [],
          stopped: false
        }
        return state.last
      },
      setNextSync: (d: Date | null) => (state.next = d)
    }
    return { engine: engine as unknown as ImportEngine, state }
  }

  it('is on by default with a 60-minute interval counted from the last import, and runs when due', async () => {
    vi.useFakeTimers({ now: new Date('2025-01-01T12:00:00Z') })
    const finished = new Date('2025-01-01T11:30:00Z').toISOString()
    const { engine, state } = fakeEngine({
      ok: true,
      started_at: finished,
      finished_at: finished,
      downloaded_bytes: 0,
      failures: [],
      notes: [],
      stopped: false
    })
    const cfg = settings()
    const s = new SyncScheduler(engine, async () => cfg)
    const changes: Array<Date | null> = []
    s.on('changed', (d) => changes.push(d))
    s.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(s.nextRunAt()?.toISOString()).toBe('2025-01-01T12:30:00.000Z')
    expect(state.next?.toISOString()).toBe('2025-01-01T12:30:00.000Z')
    await vi.advanceTimersByTimeAsync(29 * 60_000)
    expect(state.runs).toBe(0)
    await vi.advanceTimersByTimeAsync(2 * 60_000)
    expect(state.runs).toBe(1)
    expect(s.nextRunAt()!.getTime() - Date.parse(state.last!.finished_at)).toBe(60 * 60_000)

    // Settings are re-read: a new interval takes effect within a minute, and switching off clears the time.
    cfg.sync_interval_minutes = 5
    await vi.advanceTimersByTimeAsync(61_000)
    expect(s.nextRunAt()!.getTime() - Date.parse(state.last!.finished_at)).toBe(5 * 60_000)
    cfg.auto_sync = false
    await vi.advanceTimersByTimeAsync(61_000)
    expect(s.nextRunAt()).toBeNull()
    expect(changes.at(-1)).toBeNull()
    const runs = state.runs
    await vi.advanceTimersByTimeAsync(3 * 3600_000)
    expect(state.runs).toBe(runs)
    s.stop()
  })

  it('waits at least the start-up delay on a data directory that never imported', async () => {
    vi.useFakeTimers({ now: new Date('2025-01-01T12:00:00Z') })
    const { engine } = fakeEngine(null)
    const s = new SyncScheduler(engine, async () => settings({ sync_interval_minutes: 1 }))
    s.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(s.nextRunAt()?.toISOString()).toBe('2025-01-01T12:01:00.000Z')
    s.stop()
    expect(s.nextRunAt()).toBeNull()
    const d = await tempDir('unused-')
    await rm(d, { recursive: true })
  })
})

describe('request sizing', () => {
  it('adapts Range requests to latency x rate within 2..4 MiB', async () => {
    const { RequestSizer } = await import('../../src/main/import/download/request-sizer')
    const MiB = 1024 * 1024
    const fresh = new RequestSizer()
    expect(fresh.next()).toBe(4 * MiB)
    // 10 ms to the first byte at 25 MB/s per connection: about 3 MB per request.
    const shaped = new RequestSizer()
    for (let i = 0; i < 5; i++) shaped.observe(10, 5_000_000, 200)
    expect(shaped.next()).toBeGreaterThan(2.75 * MiB)
    expect(shaped.next()).toBeLessThan(3 * MiB)
    // Loopback: 1 ms and fast: the 2 MiB floor. A far mirror: the 4 MiB cap.
    const near = new RequestSizer()
    near.observe(1, 4_000_000, 40)
    expect(near.next()).toBe(2 * MiB)
    const far = new RequestSizer()
    far.observe(150, 8_000_000, 800)
    expect(far.next()).toBe(4 * MiB)
    // Cut-short answers do not count.
    near.observe(500, 1000, 1)
    expect(near.next()).toBe(2 * MiB)
  })
})
