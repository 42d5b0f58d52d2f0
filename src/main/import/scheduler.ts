/**
 * "Automatically sync images": runs an import every `sync_interval_minutes` (default 60, as MAAS)
 * while `auto_sync` is on (the default), in the app's main process. Settings are re-read at least
 * every minute and on refresh(), so a changed interval or switch takes effect without a restart.
 * A sync with nothing new costs only conditional metadata requests (the reader revalidates).
 */
import { EventEmitter } from 'node:events'
import type { Settings } from '@shared/types'
import type { ImportEngine } from './engine'

const RECHECK_MS = 60_000
/** Never fire right at start-up: the app has other things to do first. */
const MIN_DELAY_MS = 30_000

export class SyncScheduler extends EventEmitter {
  private timer: NodeJS.Timeout | undefined
  private next: Date | null = null
  private started = false
  private syncing = false

  constructor(
    private readonly engine: ImportEngine,
    private readonly getSettings: () => Promise<Settings>,
    private readonly opts: { minDelayMs?: number; recheckMs?: number } = {}
  ) {
    super()
  }

  start(): void {
    if (this.started) return
    this.started = true
    void this.refresh()
  }

  stop(): void {
    this.started = false
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    this.setNext(null)
  }

  nextRunAt(): Date | null {
    return this.next
  }

  /** Re-reads the settings now (call it after they changed). */
  async refresh(): Promise<void> {
    if (!this.started) return
    let settings: Settings
    try {
      settings = await this.getSettings()
    } catch {
      return this.arm(this.opts.recheckMs ?? RECHECK_MS)
    }
    if (!this.started) return
    if (!settings.auto_sync) {
      this.setNext(null)
      return this.arm(this.opts.recheckMs ?? RECHECK_MS)
    }
    const interval = Math.max(1, settings.sync_interval_minutes || 60) * 60_000
    const last = await this.engine.lastResult().catch(() => null)
    const base = last ? Date.parse(last.finished_at) : Date.now()
    const earliest = Date.now() + (this.opts.minDelayMs ?? MIN_DELAY_MS)
    const at = new Date(Math.max(Number.isFinite(base) ? base + interval : earliest, earliest))
    this.setNext(at)
    this.arm(Math.min(at.getTime() - Date.now(), this.opts.recheckMs ?? RECHECK_MS))
  }

  private arm(ms: number): void {
    if (this.timer) clearTimeout(this.timer)
    if (!this.started) return
    this.timer = setTimeout(() => void this.tick(), Math.max(0, ms))
    // The scheduler must never be what keeps a process alive.
    this.timer.unref()
  }

  private async tick(): Promise<void> {
    this.timer = undefined
    if (!this.started || this.syncing) return
    if (this.next && Date.now() >= this.next.getTime()) {
      this.syncing = true
      try {
        // Someone else's import (the CLI, a manual start) counts as this sync.
        if (!(await this.engine.isImporting())) await this.engine.runImport()
      } catch {
        // busy or an internal failure: the result (if any) is recorded by the engine; try again next time.
      } finally {
        this.syncing = false
      }
    }
    await this.refresh()
  }

  private setNext(at: Date | null): void {
    const changed = (at?.getTime() ?? null) !== (this.next?.getTime() ?? null)
    this.next = at
    this.engine.setNextSync(at)
    if (changed) this.emit('changed', at)
  }
}
