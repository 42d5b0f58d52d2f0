/**
 * The side-by-side runs: the CLI import and the reference clients fetch the same files from the same server,
 * interleaved (the order rotates each repetition), every run printed and the best wall time compared.
 * A run only counts when it exited 0 and the server sent at least every payload byte; the reference
 * clients' outputs are checked for every file at its full size as well.
 */
import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { MB, mb, withServer, type Ctx, type Scenario } from './context'
import { run, timed, type Timed } from './proc'
import { missingOutput, REFERENCE_CLIENTS } from './reference-clients'
import { nsPerByte, sha256sumNsPerByte } from './cpu-cost'
import { budgetBoundShare } from './link'
import { killLossBudget } from '../../src/main/import/download/request-sizer'
import { notProgress } from './stderr-lines'
import { setupDataDir } from './workload'
import type { ToolKey } from './options'

export const IMPORT = 'maas-images import'

export interface Measured extends Timed {
  /** payload bytes the server sent during the run */
  bytes: number
  /** CPU seconds the server (nginx, and the shaping proxy when shaped) used during the run, on the same cores */
  serverCpuS?: number
  /** why the run does not count, if it does not */
  problem?: string
}

export type Rows = Map<string, Measured[]>

/** The fastest run that counts, or undefined when none does. */
export function best(runs: Measured[]): Measured | undefined {
  return runs.filter((r) => !r.problem).sort((a, b) => a.wallS - b.wallS)[0]
}

interface Tool {
  key: ToolKey
  label: string
  measure(url: string): Promise<Measured>
}

export async function compare(ctx: Ctx, sc: Scenario): Promise<Rows> {
  const w = ctx.workload.selections.whole
  const rows: Rows = new Map()
  return withServer(ctx, sc, async (server) => {
    console.log(`\n${sc.title}\n  server: ${server.description}`)
    const counted = async (argv: string[], cwd?: string): Promise<Measured> => {
      const before = await server.payloadBytes()
      const cpuBefore = server.cpuSeconds()
      const t = await timed(argv, { cwd, timeoutS: ctx.runTimeoutS })
      const serverCpuS = server.cpuSeconds() - cpuBefore
      const bytes = (await server.payloadBytes()) - before
      const problem =
        t.code !== 0
          ? `exit ${t.code}`
          : bytes < w.bytes
            ? `served only ${mb(bytes)} of ${mb(w.bytes)} MB`
            : undefined
      return { ...t, bytes, serverCpuS, problem }
    }
    const importTool = (connections?: 16 | 32): Tool => ({
      key: connections ? `import${connections}` : 'import',
      label: connections ? `${IMPORT}, connections=${connections}` : `${IMPORT} (defaults)`,
      async measure(url) {
        const dataDir = join(ctx.root, 'data-compare')
        try {
          await setupDataDir(ctx.cli, dataDir, url, ctx.workload, 'whole')
          if (connections)
            await run([...ctx.cli, '--data-dir', dataDir, 'settings', 'update', `connections=${connections}`])
          return await counted([...ctx.cli, '--data-dir', dataDir, 'boot-resources', 'import', '--wait'])
        } finally {
          await rm(dataDir, { recursive: true, force: true })
        }
      }
    })
    const tools: Tool[] = [
      importTool(),
      ...(sc.shaping ? ctx.extraConnections.map(importTool) : []),
      ...REFERENCE_CLIENTS.map((client) => ({
        key: client.key,
        label: client.label,
        async measure(url: string) {
          const outDir = join(ctx.root, 'out-compare')
          await mkdir(outDir, { recursive: true })
          try {
            const argv = await client.prepare(url, w.files, ctx.root, outDir)
            const m = await counted(argv, ctx.root)
            const missing = m.problem ? undefined : await missingOutput(outDir, w.files)
            return missing ? { ...m, problem: missing } : m
          } finally {
            await rm(outDir, { recursive: true, force: true })
          }
        }
      }))
    ].filter((t) => ctx.tools.has(t.key))
    for (let rep = 0; rep < ctx.reps; rep++) {
      // Rotate the order so no tool always runs first (cold caches) or right after the same neighbour.
      const order = tools.map((_, i) => tools[(i + rep) % tools.length])
      for (const tool of order) {
        let m: Measured
        try {
          m = await tool.measure(server.url)
        } catch (e) {
          m = {
            code: -1,
            wallS: NaN,
            rssMb: NaN,
            cpuS: NaN,
            bytes: 0,
            problem: e instanceof Error ? e.message.split('\n')[0] : String(e)
          }
        }
        rows.set(tool.label, [...(rows.get(tool.label) ?? []), m])
      }
    }
    printRows(rows, w.bytes, ctx.linkCeiling)
    if (ctx.linkCeiling && sc.shaping) {
      const budget = killLossBudget(w.bytes)
      const share = budgetBoundShare(budget, sc.shaping.rttMs / 1000, ctx.linkCeiling)
      console.log(
        `  the import's kill-loss budget (${mb(budget)} MB in flight) and the ${sc.shaping.rttMs} ms round trip ` +
          `bound it to ${(100 * share).toFixed(1)} % of this ceiling: B / (B + RTT x ceiling)`
      )
    }
    printRatios(sc, rows)
    const paths = w.files.map((f) => join(ctx.workload.streamDir, f.path))
    console.log(`  ${(await sha256sumNsPerByte(paths, w.bytes)).line}`)
    return rows
  })
}

/**
 * Every run of every tool, the best one's figures first. `cpu/byte` is CPU (user + system) of the best run per
 * payload byte; `ceiling` (inside a shaped namespace only) the payload rate of the best run over the link's,
 * and the share of the link's time it kept busy (bytes served plus payload received, over the link rate).
 */
function printRows(rows: Rows, total: number, linkCeiling?: number): void {
  const width = Math.max(...[...rows.keys()].map((k) => k.length))
  for (const [label, runs] of rows) {
    const b = best(runs)
    const all = runs.map((r) => (r.problem ? `${r.wallS.toFixed(2)}!` : r.wallS.toFixed(2))).join(', ')
    const cpu = runs.map((r) => r.cpuS.toFixed(2)).join(', ')
    const serverCpu = runs.map((r) => (r.serverCpuS ?? NaN).toFixed(2)).join(', ')
    const rss = Math.max(...runs.map((r) => r.rssMb).filter((n) => Number.isFinite(n)))
    const head = `  ${label.padEnd(width)}  `
    if (!b) {
      console.log(`${head}no valid run (runs: ${all}): ${runs.map((r) => r.problem).join('; ')}`)
      continue
    }
    // The link carries what the server sent (to the proxy) and what the client received (at least the
    // payload): a client that fetches bytes twice fills the link with them and reaches less payload.
    const ceiling = linkCeiling
      ? `  ${((100 * total) / b.wallS / linkCeiling).toFixed(1)} % of the link's ceiling ` +
        `(link busy >= ${((100 * (b.bytes + total)) / b.wallS / (2 * linkCeiling)).toFixed(1)} %)`
      : ''
    const noise = runs.map((r) => notProgress(r.stderr ?? '')).find((l) => l.length)
    console.log(
      `${head}best ${b.wallS.toFixed(2).padStart(6)} s (${(total / MB / b.wallS).toFixed(0).padStart(4)} MB/s; runs: ${all})` +
        `  peak RSS ${String(rss).padStart(4)} MB  served ${mb(b.bytes)} MB  cpu ${cpu} s ` +
        `(${nsPerByte(b.cpuS, total).toFixed(2)} ns/byte)  server cpu ${serverCpu} s${ceiling}`
    )
    if (label.startsWith(IMPORT) && noise)
      console.log(
        `${' '.repeat(width + 4)}stderr beyond progress: ${noise.length} line(s), first: ${noise[0].slice(0, 160)}`
      )
    for (const r of runs.filter((x) => x.problem)) console.log(`${' '.repeat(width + 4)}! ${r.problem}`)
  }
}

/** The targets: shaped within 1.2 x aria2c without checks, unshaped within 1.2 x curl + sha256sum. */
function printRatios(sc: Scenario, rows: Rows): void {
  const ours = best(rows.get(`${IMPORT} (defaults)`) ?? [])
  if (!ours) return
  const target = sc.shaping ? 'aria2c -k1M, no checks' : '8 x curl + sha256sum'
  const parts: string[] = []
  for (const client of REFERENCE_CLIENTS) {
    const theirs = best(rows.get(client.label) ?? [])
    if (!theirs) continue
    const r = ours.wallS / theirs.wallS
    parts.push(`/ ${client.label} = ${r.toFixed(2)}x${client.label === target ? ' (target <= 1.20)' : ''}`)
  }
  if (parts.length) console.log(`  import (defaults), best vs best: ${parts.join(', ')}`)
}
