/**
 * Staging progress on the CLI: one redrawn bar on a terminal (files, bytes, rate, ETA), plain lines
 * otherwise (at most one every 2 s, plus each phase change), so logs stay readable.
 */
import { formatBytes } from './cache-access'
import type { StageProgress } from './stager'

const BAR = 30
const LINE_MS = 2000

function duration(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return '--'
  if (s < 60) return `${Math.round(s)}s`
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
}

export function stageLine(p: StageProgress): string {
  if (p.phase === 'checking')
    return `checking what is already on the target… files ${p.files_done}/${p.files_total}`
  const pct = p.bytes_total > 0 ? Math.floor((p.bytes_done / p.bytes_total) * 100) : 100
  return (
    `${pct}% ${formatBytes(p.bytes_done)} of ${formatBytes(p.bytes_total)}, ${formatBytes(Math.round(p.rate))}/s, ` +
    `ETA ${duration(p.eta)}, files ${p.files_done}/${p.files_total}`
  )
}

export class StageProgressBar {
  private last = 0
  private lastPhase = ''
  private drawn = false

  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly tty: boolean
  ) {}

  update(p: StageProgress): void {
    if (this.tty) {
      const frac = p.bytes_total > 0 ? p.bytes_done / p.bytes_total : p.phase === 'done' ? 1 : 0
      const fill = Math.round(frac * BAR)
      this.out.write(`\r\x1b[2K[${'#'.repeat(fill)}${'-'.repeat(BAR - fill)}] ${stageLine(p)}`)
      this.drawn = true
      return
    }
    const now = Date.now()
    if (p.phase === this.lastPhase && now - this.last < LINE_MS) return
    this.last = now
    this.lastPhase = p.phase
    this.out.write(`${stageLine(p)}\n`)
  }

  done(): void {
    if (this.tty && this.drawn) this.out.write('\n')
    this.drawn = false
  }
}
