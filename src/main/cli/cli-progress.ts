/**
 * How the foreground CLI import shows progress: one redrawn bar on a terminal, plain lines
 * (at most one every 2 s, plus each finished file) when the output is a pipe or a log.
 */
import type { ImportProgress } from '@shared/types'
import { formatBytes, formatRate } from '@shared/format-bytes'
import { terminalLine } from './terminal-text'

const LINE_MS = 2000
const BAR = 30

export function formatDuration(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return '--'
  if (s < 60) return `${Math.round(s)}s`
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
}

const PHASES: Record<ImportProgress['phase'], string> = {
  metadata: 'reading stream metadata…',
  planning: 'planning…',
  downloading: '',
  finishing: 'finishing…',
  idle: ''
}

/** The progress text, terminal-safe: the bar's own escape codes are added around it, never from it. */
export function progressLine(p: ImportProgress): string {
  return terminalLine(rawProgressLine(p))
}

function rawProgressLine(p: ImportProgress): string {
  // `idle` is the final event: show the totals in the same shape as the download lines.
  if (p.phase !== 'downloading' && p.phase !== 'idle') return PHASES[p.phase]
  const pct = p.bytes_total > 0 ? Math.floor((p.bytes_done / p.bytes_total) * 100) : 100
  return (
    `${pct}% ${formatBytes(p.bytes_done)} of ${formatBytes(p.bytes_total)}, ` +
    `${formatRate(p.rate)}, ETA ${formatDuration(p.eta)}, files ${p.files_done}/${p.files_total}`
  )
}

export class CliProgress {
  private lastLine = 0
  private lastFiles = -1
  private drawn = false

  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly tty: boolean
  ) {}

  update(p: ImportProgress): void {
    if (this.tty) {
      const pct = p.bytes_total > 0 ? p.bytes_done / p.bytes_total : p.phase === 'downloading' ? 1 : 0
      const fill = Math.round(pct * BAR)
      this.out.write(`\r\x1b[2K[${'#'.repeat(fill)}${'-'.repeat(BAR - fill)}] ${progressLine(p)}`)
      this.drawn = true
      return
    }
    const now = Date.now()
    if (now - this.lastLine < LINE_MS && p.files_done === this.lastFiles && p.phase !== 'idle') return
    this.lastLine = now
    this.lastFiles = p.files_done
    this.out.write(`${progressLine(p)}\n`)
  }

  /** Ends the bar's line so that what follows starts on a fresh one. */
  done(): void {
    if (this.tty && this.drawn) this.out.write('\n')
    this.drawn = false
  }
}
