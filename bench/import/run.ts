/**
 * Import benchmark: npm run bench:import -- [--scale 0.25[,1.0]] [--reps N] [--only shaped|unshaped] [--parts ...]
 *
 * Workload: a generated, signed MAAS-shaped stream (jammy+noble x amd64+arm64, bootloaders, CentOS 7; latest
 * version only) at a fraction of real sizes, served by nginx in its own process on a free loopback port (the
 * Node test server when nginx is not installed; the printout says which). Scenarios: shaped (25 MB/s per
 * connection, 20 ms round trip, by a shaping proxy in its own process in front of nginx) and unshaped (straight
 * to nginx). Parts:
 *   compare    the CLI import (wall time, peak RSS via /usr/bin/time -v, CPU per byte) against aria2c -j8 -x8 -s8
 *              -k1M with and without per-file sha-256 checks and 8 parallel curl then sha256sum, interleaved;
 *              sha256sum's own CPU per byte beside them
 *   offline    import from a local mirror, stage to a folder (and the read-back's share), serve to 8 clients,
 *              each beside its floor (offline.ts)
 *   link       the shaped compare inside a network namespace whose loopback the kernel shapes, as a fraction
 *              of the link's ceiling (link.ts; root only, else skipped saying so)
 *   resume     kill -9 at ~40 %, import again, extra bytes the server sent, for the whole stream and for the
 *              small import (CentOS 7 plus bootloaders)
 *   lag        event-loop delay (p50/p99/max), server at normal priority and nice 19: inside the CLI's import
 *              process (it imports in process), and in the process that owns the window (the browser-mode
 *              host, importing in its worker thread; host-lag.ts)
 *   catalogue  the median of bench/catalogue.bench.ts, run as a child
 * Prints measured figures only. Everything lives in one temp dir, removed at the end; every server, proxy and
 * import runs in its own process group and is killed on exit, error or Ctrl-C.
 */
import { mkdtemp } from 'node:fs/promises'
import { availableParallelism, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { forgetTempDir, installCleanupHandlers, killAllAndClean, registerTempDir } from './children'
import { cliCommand } from './cli-binary'
import { best, compare, IMPORT, type Rows } from './compare'
import { MB, mb, SCENARIOS, type Ctx } from './context'
import { linkBound } from './link'
import { loopLag } from './loop-lag'
import { offline } from './offline'
import { hostLoopLag } from './host-lag'
import { parseOptions, type BenchOptions, type ScenarioKey } from './options'
import { run } from './proc'
import { resumeAfterKill } from './resume'
import { serverKind } from './servers'
import { makeWorkload } from './workload'

const REPO = resolve(__dirname, '..', '..')

interface ScaleResult {
  scale: number
  bytes: number
  rows: Partial<Record<ScenarioKey, Rows>>
}

async function main(): Promise<void> {
  let opts: BenchOptions
  try {
    opts = parseOptions(process.argv.slice(2), process.env)
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e))
    process.exit(2)
  }
  installCleanupHandlers()
  const cli = await cliCommand()
  const server = serverKind()
  console.log(`host: ${process.version}, ${availableParallelism()} cores`)
  console.log(`CLI measured: ${cli.label}`)
  console.log(`server: ${server.kind === 'nginx' ? 'nginx' : 'Node test server'} (${server.why})`)
  console.log(
    `repetitions: ${opts.reps} per tool (staging at least 5), interleaved; the best wall time is compared, offline the median of pairs (! marks a run that does not count)`
  )

  const results: ScaleResult[] = []
  for (const scale of opts.scales) {
    const root = await mkdtemp(join(tmpdir(), 'maas-bench-'))
    registerTempDir(root)
    try {
      const t0 = Date.now()
      const workload = await makeWorkload(root, scale)
      const ctx: Ctx = {
        root,
        workload,
        cli: cli.argv,
        serverKind: server.kind,
        scale,
        reps: opts.reps,
        runTimeoutS: Math.round(60 + 400 * scale),
        extraConnections: [16, 32],
        tools: opts.tools,
        linkCeiling: opts.linkCeiling
      }
      const w = workload.selections
      console.log(
        `\n=== scale ${scale}: ${w.whole.files.length} files, ${mb(w.whole.bytes)} MB; small import ` +
          `${w.small.label}: ${w.small.files.length} files, ${mb(w.small.bytes)} MB (generated in ${((Date.now() - t0) / 1000).toFixed(1)} s)`
      )
      const scenarios = opts.scenarios.map((k) => SCENARIOS[k])
      const result: ScaleResult = { scale, bytes: w.whole.bytes, rows: {} }
      if (opts.parts.has('compare')) for (const sc of scenarios) result.rows[sc.key] = await compare(ctx, sc)
      if (opts.parts.has('offline')) await offline(ctx)
      if (opts.parts.has('link')) await linkBound(ctx, scale, opts.linkMbit)
      if (opts.parts.has('resume')) {
        console.log(`\nresume after kill -9 at ~40 %, extra bytes the server sent beyond the files' size`)
        for (const sc of scenarios)
          for (const sel of ['whole', 'small'] as const) await resumeAfterKill(ctx, sc, sel)
      }
      if (opts.parts.has('lag')) {
        console.log(`\nevent-loop delay inside the CLI import process (whole stream)`)
        for (const nice of [false, true]) for (const sc of scenarios) await loopLag(ctx, sc, nice)
        console.log(
          `\nevent-loop delay in the process that owns the window (the built browser-mode host), import in its worker thread (whole stream)`
        )
        for (const nice of [false, true]) for (const sc of scenarios) await hostLoopLag(ctx, sc, nice)
      }
      results.push(result)
    } finally {
      // Servers are stopped by their parts; this removes the stream and anything a failed part left.
      killAllAndClean()
      forgetTempDir(root)
    }
  }
  if (results.length > 1) printGrowth(results)
  if (opts.parts.has('catalogue')) await catalogue()
}

/** How wall time and peak RSS of the import grow with the workload's size. */
function printGrowth(results: ScaleResult[]): void {
  console.log(`\ngrowth of the import (defaults), best wall time and peak RSS per scale`)
  const first = results[0]
  for (const key of Object.keys(first.rows) as ScenarioKey[]) {
    for (const r of results) {
      const runs = r.rows[key]?.get(`${IMPORT} (defaults)`) ?? []
      const b = best(runs)
      const b0 = best(first.rows[key]?.get(`${IMPORT} (defaults)`) ?? [])
      if (!b || !b0) continue
      const rss = Math.max(...runs.map((x) => x.rssMb).filter(Number.isFinite))
      console.log(
        `  ${key.padEnd(9)} scale ${String(r.scale).padEnd(5)} ${mb(r.bytes).padStart(7)} MB  ${b.wallS.toFixed(2).padStart(7)} s ` +
          `(${(r.bytes / MB / b.wallS).toFixed(0)} MB/s)  peak RSS ${rss} MB  ` +
          `(bytes x${(r.bytes / first.bytes).toFixed(2)}, time x${(b.wallS / b0.wallS).toFixed(2)})`
      )
    }
  }
}

/** The catalogue benchmark as a child (it serves from its own in-process test server); its median only. */
async function catalogue(): Promise<void> {
  const r = await run([process.execPath, '--import', 'tsx', join(REPO, 'bench/catalogue.bench.ts')], {
    cwd: REPO,
    timeoutS: 300,
    allowFailure: true
  })
  const median = /^median: (.*)$/m.exec(r.out)
  const size = /^products file: (.*)$/m.exec(r.out)
  console.log(
    `\ncatalogue open (bench/catalogue.bench.ts; ${size?.[1] ?? '?'}): ` +
      (median ? `median ${median[1]}` : `no figure (exit ${r.code}): ${r.err.slice(-300)}`)
  )
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
})
