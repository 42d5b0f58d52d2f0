/**
 * How the foreground CLI shows the progress of an import or a staging: one redrawn bar on a terminal, plain
 * lines when the output is a pipe or a log (at most one every 2 s, plus one whenever the step changes: a file
 * finished, a new phase), so logs stay readable. Every line is terminal-safe: the bar's own escape codes are
 * added around the text, never taken from it (names come from streams and sticks).
 */
import type { ImportProgress, StageProgress } from '@shared/types'
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

/** What a bar needs to know of one kind of progress. */
interface ProgressView<P> {
  /** the text after the bar (raw: made terminal-safe by the bar) */
  text(p: P): string
  /** how full the bar is, 0..1 */
  fraction(p: P): number
  /** a change of step: a plain line is written at once when it changes */
  step(p: P): string
  /** the last event of a run: always written */
  final(p: P): boolean
}

function transferText(p: {
  bytes_done: number
  bytes_total: number
  rate: number
  eta: number | null
  files_done: number
  files_total: number
}): string {
  const pct = p.bytes_total > 0 ? Math.floor((p.bytes_done / p.bytes_total) * 100) : 100
  return (
    `${pct}% ${formatBytes(p.bytes_done)} of ${formatBytes(p.bytes_total)}, ` +
    `${formatRate(p.rate)}, ETA ${formatDuration(p.eta)}, files ${p.files_done}/${p.files_total}`
  )
}

const IMPORT_PHASES: Record<ImportProgress['phase'], string> = {
  metadata: 'reading stream metadata…',
  planning: 'planning…',
  downloading: '',
  finishing: 'finishing…',
  idle: ''
}

const importView: ProgressView<ImportProgress> = {
  // `idle` is the final event: show the totals in the same shape as the download lines.
  text: (p) => (p.phase !== 'downloading' && p.phase !== 'idle' ? IMPORT_PHASES[p.phase] : transferText(p)),
  fraction: (p) => (p.bytes_total > 0 ? p.bytes_done / p.bytes_total : p.phase === 'downloading' ? 1 : 0),
  step: (p) => String(p.files_done),
  final: (p) => p.phase === 'idle'
}

const stageView: ProgressView<StageProgress> = {
  text: (p) =>
    p.phase === 'checking'
      ? `checking what is already on the target… files ${p.files_done}/${p.files_total}`
      : transferText(p),
  fraction: (p) => (p.bytes_total > 0 ? p.bytes_done / p.bytes_total : p.phase === 'done' ? 1 : 0),
  step: (p) => p.phase,
  final: () => false
}

/** The import's progress text, terminal-safe. */
export function progressLine(p: ImportProgress): string {
  return terminalLine(importView.text(p))
}

export class CliProgress<P> {
  private lastLine = 0
  private lastStep: string | null = null
  private drawn = false

  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly tty: boolean,
    private readonly view: ProgressView<P>
  ) {}

  update(p: P): void {
    const text = terminalLine(this.view.text(p))
    if (this.tty) {
      const fill = Math.round(this.view.fraction(p) * BAR)
      this.out.write(`\r\x1b[2K[${'#'.repeat(fill)}${'-'.repeat(BAR - fill)}] ${text}`)
      this.drawn = true
      return
    }
    const now = Date.now()
    const step = this.view.step(p)
    if (now - this.lastLine < LINE_MS && step === this.lastStep && !this.view.final(p)) return
    this.lastLine = now
    this.lastStep = step
    this.out.write(`${text}\n`)
  }

  /** Ends the bar's line so that what follows starts on a fresh one. */
  done(): void {
    if (this.tty && this.drawn) this.out.write('\n')
    this.drawn = false
  }
}

export const importProgressBar = (out: NodeJS.WritableStream, tty: boolean): CliProgress<ImportProgress> =>
  new CliProgress(out, tty, importView)

export const stageProgressBar = (out: NodeJS.WritableStream, tty: boolean): CliProgress<StageProgress> =>
  new CliProgress(out, tty, stageView)
