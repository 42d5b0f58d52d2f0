/**
 * Import progress: bytes per blob rolled up per resource (percent) and in total (bytes, rate, ETA),
 * emitted at most 10 times a second however fast bytes arrive, because every event may cross IPC.
 */
import type { ImportProgress } from '@shared/types'
import { resourceStatus, type LiveResourceState } from '../library/resource-view'
import type { StoredResource } from '../library/resource-store'

interface TrackedResource {
  id: number
  name: string
  architecture: string
  files: Array<{ sha256: string; size: number }>
  size: number
}

const RATE_WINDOW_MS = 3000

export class ImportProgressTracker {
  phase: ImportProgress['phase'] = 'metadata'
  private bytesTotal = 0
  private filesTotal = 0
  private filesDone = 0
  /** bytes on disk per blob being fetched (resumed + written) */
  private readonly blobBytes = new Map<string, number>()
  /** blobs already verified (in the cache before, or done now) */
  private readonly complete = new Set<string>()
  private readonly resources = new Map<number, TrackedResource>()
  /** blobs of this run: label and size, for the per-file part of the events */
  private readonly blobs = new Map<string, { label: string; size: number }>()
  private downloaded = 0
  private readonly samples: Array<[number, number]> = []
  private lastEmit = 0
  private trailing: NodeJS.Timeout | undefined
  private stopped = false

  constructor(
    private readonly emit: (p: ImportProgress) => void,
    private readonly minIntervalMs = 100
  ) {}

  setPhase(phase: ImportProgress['phase']): void {
    this.phase = phase
    this.changed()
  }

  /** The work of this run: blobs to fetch and the resources that wait on them. */
  plan(
    blobs: Array<{ sha256: string; size: number; label?: string }>,
    resources: TrackedResource[],
    cached: ReadonlySet<string>
  ): void {
    for (const b of blobs) this.blobs.set(b.sha256, { label: b.label ?? b.sha256, size: b.size })
    this.bytesTotal = blobs.reduce((n, b) => n + b.size, 0)
    this.filesTotal = blobs.length
    for (const sha of cached) this.complete.add(sha)
    for (const r of resources) this.resources.set(r.id, r)
    this.changed()
  }

  resumed(sha256: string, bytes: number): void {
    this.blobBytes.set(sha256, (this.blobBytes.get(sha256) ?? 0) + bytes)
    this.changed()
  }

  bytes(sha256: string, delta: number): void {
    this.blobBytes.set(sha256, Math.max(0, (this.blobBytes.get(sha256) ?? 0) + delta))
    if (delta > 0) this.downloaded += delta
    this.changed()
  }

  fileDone(sha256: string, size: number): void {
    this.complete.add(sha256)
    this.blobBytes.set(sha256, size)
    this.filesDone++
    this.changed()
  }

  /** A failed blob stops counting as in progress. */
  fileFailed(sha256: string): void {
    this.blobBytes.delete(sha256)
    this.filesDone++
    this.changed()
  }

  get downloadedBytes(): number {
    return this.downloaded
  }

  /** What the import says about each resource it still works on; complete ones are absent. */
  live(): Map<number, LiveResourceState> {
    const out = new Map<number, LiveResourceState>()
    for (const r of this.resources.values()) {
      let done = 0
      let started = false
      let missing = false
      for (const f of r.files) {
        if (this.complete.has(f.sha256)) {
          done += f.size
          continue
        }
        missing = true
        const b = this.blobBytes.get(f.sha256)
        if (b !== undefined) {
          started = true
          done += Math.min(b, f.size)
        }
      }
      if (!missing) continue
      const percent = r.size > 0 ? Math.min(99, Math.floor((done / r.size) * 100)) : 0
      out.set(r.id, { state: started ? 'downloading' : 'queued', percent })
    }
    return out
  }

  snapshot(): ImportProgress {
    const now = Date.now()
    let bytesDone = 0
    for (const b of this.blobBytes.values()) bytesDone += b
    bytesDone = Math.min(bytesDone, this.bytesTotal)
    const rate = this.rate(now)
    const live = this.live()
    const resources: ImportProgress['resources'] = []
    for (const r of this.resources.values()) {
      const l = live.get(r.id)
      // Only complete resources are absent from `live`, and those are synced.
      const status = l ? resourceStatus({} as StoredResource, l) : 'Synced'
      resources.push({
        id: r.id,
        name: r.name,
        architecture: r.architecture,
        percent: l ? l.percent : 100,
        status
      })
    }
    const active: NonNullable<ImportProgress['active_files']> = []
    for (const [sha, bytes] of this.blobBytes) {
      const b = this.blobs.get(sha)
      if (!b || this.complete.has(sha) || active.length >= 16) continue
      active.push({ label: b.label, sha256: sha, bytes_done: Math.min(bytes, b.size), size: b.size })
    }
    return {
      ...(active.length ? { active_files: active } : {}),
      importing: this.phase !== 'idle',
      phase: this.phase,
      bytes_done: bytesDone,
      bytes_total: this.bytesTotal,
      rate: Math.round(rate),
      eta: rate > 0 ? Math.ceil((this.bytesTotal - bytesDone) / rate) : null,
      files_done: this.filesDone,
      files_total: this.filesTotal,
      resources
    }
  }

  /** Emits the final state now and stops the throttle. */
  flush(): void {
    this.stopped = true
    if (this.trailing) clearTimeout(this.trailing)
    this.trailing = undefined
    this.lastEmit = Date.now()
    this.emit(this.snapshot())
  }

  private rate(now: number): number {
    this.samples.push([now, this.downloaded])
    while (this.samples.length > 2 && this.samples[0][0] < now - RATE_WINDOW_MS) this.samples.shift()
    const [t0, b0] = this.samples[0]
    return now - t0 >= 200 ? ((this.downloaded - b0) * 1000) / (now - t0) : 0
  }

  private changed(): void {
    if (this.stopped || this.trailing) return
    const wait = this.lastEmit + this.minIntervalMs - Date.now()
    if (wait <= 0) {
      this.emitNow()
      return
    }
    // Coalesce everything that happens until the interval is over into one trailing event.
    this.trailing = setTimeout(() => {
      this.trailing = undefined
      if (this.stopped) return
      this.emitNow()
      // Timers may fire a millisecond early by the wall clock; the margin keeps the 100 ms promise.
    }, wait + 2)
  }

  /**
   * The interval is measured between the moments events leave, so the clock is read after the snapshot is
   * built: on a busy machine building it can take a few milliseconds, which must not eat into the next gap.
   */
  private emitNow(): void {
    const snapshot = this.snapshot()
    this.lastEmit = Date.now()
    this.emit(snapshot)
  }
}
