/**
 * The offline part: the paths an air-gapped site runs, each beside its floor on the same files, interleaved
 * (the order rotates each repetition), every run printed with the best and the median, and compared three ways:
 * best against best, median against median, and the median of the pairs' ratios (each run against the floor's
 * run beside it, so a load that comes and goes between pairs cancels out; this one decides "met"):
 *   import from a local mirror (the stream's folder, as a mounted stick)  vs  8 x (cp + sha256sum -c)
 *   stage the imported cache to a folder                                 vs  8 x (cp + sync + sha256sum -c)
 *     and the read-back alone (staging's own reader, from the medium where the file system allows), timed
 *     after the last staging, as a share of the best staging
 *   serve the cache: 8 curl clients fetch every file on loopback          vs  nginx serving the same tree
 * The floors' sha256sum reads through the page cache; staging's read-back reads the medium (O_DIRECT).
 */
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { groupCpuSeconds, groupPeakRssMb, killGroup, spawnGroup } from './children'
import { nsPerByte } from './cpu-cost'
import { MB, mb, type Ctx } from './context'
import { startNginx } from './nginx'
import { DIRECT_ENV, run, timed, type Timed } from './proc'
import { notProgress } from './stderr-lines'
import { setupDataDir } from './workload'

const REPO = resolve(__dirname, '..', '..')

interface Run extends Timed {
  problem?: string
  /** server CPU seconds during the run (serving rows) */
  serverCpuS?: number
}

interface Row {
  label: string
  runs: Run[]
}

const best = (runs: Run[]): Run | undefined =>
  runs.filter((r) => !r.problem).sort((a, b) => a.wallS - b.wallS)[0]

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

const medianWall = (runs: Run[]): number => median(runs.filter((r) => !r.problem).map((r) => r.wallS))

/**
 * Staging and its floor swing by 40 % between runs on a shared machine, as much as the gap measured: they get
 * at least this many interleaved pairs, so one slow run or set does not decide the comparison.
 */
const STAGE_PAIRS = 5

/** Copy, optionally sync, then check the copy's sha256: one file, as the floor's 8 parallel workers run it. */
const FLOOR_SCRIPT = `#!/bin/sh
# $1 output dir, $2 path relative to the current dir, $3 its sha256
set -e
mkdir -p "$1/$(dirname "$2")"
cp "$2" "$1/$2"
if [ "$SYNC" = 1 ]; then sync "$1/$2"; fi
echo "$3  $1/$2" | sha256sum -c --quiet -
`

export async function offline(ctx: Ctx): Promise<void> {
  const w = ctx.workload.selections.whole
  const streamDir = ctx.workload.streamDir
  console.log(
    `\noffline paths: ${w.files.length} files, ${mb(w.bytes)} MB, each beside its floor, interleaved, ${ctx.reps} runs each`
  )
  const script = join(ctx.root, 'floor-copy.sh')
  await writeFile(script, FLOOR_SCRIPT)
  await chmod(script, 0o755)
  const list = join(ctx.root, 'floor-list.txt')
  await writeFile(list, w.files.map((f) => `${f.path} ${f.sha256}\n`).join(''))
  const floor = async (sync: boolean): Promise<Run> => {
    const out = join(ctx.root, 'floor-out')
    await mkdir(out, { recursive: true })
    try {
      const t = await timed(['bash', '-c', `xargs -P8 -n2 ${script} ${out} < ${list}`], {
        cwd: streamDir,
        env: { SYNC: sync ? '1' : '0' },
        timeoutS: ctx.runTimeoutS
      })
      return t.code === 0 ? t : { ...t, problem: `exit ${t.code}: ${(t.stderr ?? '').slice(0, 200)}` }
    } finally {
      await rm(out, { recursive: true, force: true })
    }
  }

  // (a) Import from a local mirror. The last run's data dir is kept: staging and serving read its cache.
  const kept = join(ctx.root, 'data-offline')
  const imports: Row = { label: 'import from a local mirror (defaults)', runs: [] }
  const copies: Row = { label: '8 x (cp + sha256sum)', runs: [] }
  for (let rep = 0; rep < ctx.reps; rep++) {
    const steps = [
      async () => {
        const dd = rep === ctx.reps - 1 ? kept : join(ctx.root, `data-stick-${rep}`)
        await setupDataDir(ctx.cli, dd, `${streamDir}/`, ctx.workload, 'whole')
        const t = await timed([...ctx.cli, '--data-dir', dd, 'boot-resources', 'import', '--wait'], {
          timeoutS: ctx.runTimeoutS
        })
        if (dd !== kept) await rm(dd, { recursive: true, force: true })
        imports.runs.push(t.code === 0 ? t : { ...t, problem: `exit ${t.code}` })
      },
      async () => void copies.runs.push(await floor(false))
    ]
    for (const step of rep % 2 ? steps.reverse() : steps) await step()
  }
  printRows([imports, copies], w.bytes)
  const noise = imports.runs.flatMap((r) => notProgress(r.stderr ?? ''))
  console.log(
    `    stderr beyond progress: ${noise.length ? `${noise.length} line(s) over ${imports.runs.length} runs, first: ${noise[0].slice(0, 160)}` : 'none'}`
  )
  ratio(imports, copies, 1.2)

  // (b) Stage the cache to a folder of the same file system as the benchmark's temp dir.
  const staged: Row = { label: 'stage the cache to a folder', runs: [] }
  const synced: Row = { label: '8 x (cp + sync + sha256sum)', runs: [] }
  const target = join(ctx.root, 'stage-target')
  let readFrom = ''
  for (let rep = 0; rep < Math.max(ctx.reps, STAGE_PAIRS); rep++) {
    const steps = [
      async () => {
        await rm(target, { recursive: true, force: true })
        await mkdir(target)
        const t = await timed([...ctx.cli, '--data-dir', kept, 'stage', target], {
          timeoutS: ctx.runTimeoutS
        })
        readFrom = /read back from the drive/.test(t.stderr ?? '') ? 'the drive' : 'the system cache'
        staged.runs.push(
          t.code === 0 ? t : { ...t, problem: `exit ${t.code}: ${(t.stderr ?? '').slice(-200)}` }
        )
      },
      async () => void synced.runs.push(await floor(true))
    ]
    for (const step of rep % 2 ? steps.reverse() : steps) await step()
  }
  printRows([staged, synced], w.bytes)
  console.log(`    staging said it read every file back from ${readFrom}`)
  const rb = await run(
    [
      process.execPath,
      '--import',
      'tsx',
      join(REPO, 'bench/import/medium-read-time.ts'),
      ...w.files.map((f) => join(target, f.path))
    ],
    { cwd: REPO, timeoutS: ctx.runTimeoutS, allowFailure: true }
  )
  const rbS = Number(/read-back ([\d.]+) s/.exec(rb.out)?.[1] ?? NaN)
  const bs = best(staged.runs)
  console.log(
    `    read-back alone (staging's reader over the staged files, after the last staging): ${rb.out.trim() || rb.err.trim().slice(0, 200)}` +
      (bs && Number.isFinite(rbS) ? `; ${((100 * rbS) / bs.wallS).toFixed(0)} % of the best staging` : '')
  )
  ratio(staged, synced, 1.5)
  await rm(target, { recursive: true, force: true })

  // (c) Serve the cache to 8 clients, beside nginx serving the stream's folder (the same paths and bytes).
  await serve(ctx, kept)
}

async function serve(ctx: Ctx, dataDir: string): Promise<void> {
  const w = ctx.workload.selections.whole
  const ours = spawnGroup(ctx.cli[0], [...ctx.cli.slice(1), '--data-dir', dataDir, 'serve', '--port', '0'], {
    env: { ...process.env, ...DIRECT_ENV },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const nginx = await startNginx({ dir: join(ctx.root, 'nginx-serve'), root: ctx.workload.streamDir })
  try {
    const url = await new Promise<string>((res, rej) => {
      let buf = ''
      const timer = setTimeout(() => rej(new Error(`maas-images serve printed no address: ${buf}`)), 60_000)
      ours.stdout!.on('data', (d) => {
        buf += d
        const m = /Serving .* at (http:\/\/\S+)/.exec(buf)
        if (m) {
          clearTimeout(timer)
          res(m[1].endsWith('/') ? m[1] : `${m[1]}/`)
        }
      })
      ours.once('exit', (code) => rej(new Error(`maas-images serve exited ${code}: ${buf}`)))
    })
    const fetchAll = async (base: string, pgid: number): Promise<Run> => {
      const list = join(ctx.root, 'serve-urls.txt')
      await writeFile(list, w.files.map((f) => `${base}${f.path}\n`).join(''))
      const cpu0 = groupCpuSeconds(pgid)
      const t = await timed(
        ['bash', '-c', `xargs -P8 -n1 curl -sSf -o /dev/null -w '%{size_download}\\n' < ${list}`],
        { timeoutS: ctx.runTimeoutS }
      )
      const serverCpuS = groupCpuSeconds(pgid) - cpu0
      const got = (t.stdout ?? '').split('\n').reduce((n, l) => n + (Number(l) || 0), 0)
      const problem =
        t.code !== 0 ? `exit ${t.code}` : got !== w.bytes ? `fetched ${got} of ${w.bytes} bytes` : undefined
      return { ...t, serverCpuS, problem }
    }
    const mine: Row = { label: 'maas-images serve, 8 x curl', runs: [] }
    const theirs: Row = { label: 'nginx, 8 x curl', runs: [] }
    for (let rep = 0; rep < ctx.reps; rep++) {
      const steps = [
        async () => void mine.runs.push(await fetchAll(url, ours.pid!)),
        async () => void theirs.runs.push(await fetchAll(nginx.url, nginx.proc.pid!))
      ]
      for (const step of rep % 2 ? steps.reverse() : steps) await step()
    }
    printRows([mine, theirs], w.bytes, true)
    console.log(
      `    server peak RSS: maas-images serve ${groupPeakRssMb(ours.pid!)} MB (target < 100), ` +
        `nginx ${groupPeakRssMb(nginx.proc.pid!)} MB (master + workers)`
    )
    ratio(mine, theirs, 2)
  } finally {
    killGroup(ours, 'SIGTERM')
    await nginx.stop()
  }
}

function printRows(rows: Row[], total: number, server = false): void {
  const width = Math.max(...rows.map((r) => r.label.length))
  for (const { label, runs } of rows) {
    const b = best(runs)
    const all = runs.map((r) => (r.problem ? `${r.wallS.toFixed(2)}!` : r.wallS.toFixed(2))).join(', ')
    const head = `  ${label.padEnd(width)}  `
    if (!b) {
      console.log(`${head}no valid run (runs: ${all}): ${runs.map((r) => r.problem).join('; ')}`)
      continue
    }
    const ok = runs.filter((r) => !r.problem).map((r) => r.wallS)
    const spread =
      ok.length > 1 ? ` spread ${((100 * (Math.max(...ok) - b.wallS)) / b.wallS).toFixed(0)} %` : ''
    const rss = Math.max(...runs.map((r) => r.rssMb).filter(Number.isFinite))
    const tail = server
      ? `client cpu ${runs.map((r) => r.cpuS.toFixed(2)).join(', ')} s  server cpu ${runs.map((r) => (r.serverCpuS ?? NaN).toFixed(2)).join(', ')} s`
      : `peak RSS ${String(rss).padStart(4)} MB  cpu ${runs.map((r) => r.cpuS.toFixed(2)).join(', ')} s (${nsPerByte(b.cpuS, total).toFixed(2)} ns/byte)`
    console.log(
      `${head}best ${b.wallS.toFixed(2).padStart(6)} s, median ${medianWall(runs).toFixed(2).padStart(6)} s (${(total / MB / b.wallS).toFixed(0).padStart(4)} MB/s at best; runs: ${all};${spread})  ${tail}`
    )
    for (const r of runs.filter((x) => x.problem)) console.log(`${' '.repeat(width + 4)}! ${r.problem}`)
  }
}

/**
 * Ours against the floor: best vs best, median vs median, and the median of the pairs' ratios (run i of each
 * ran back to back), which decides the verdict.
 */
function ratio(ours: Row, floor: Row, target: number): void {
  const a = best(ours.runs)
  const b = best(floor.runs)
  if (!a || !b) return
  const pairs = ours.runs
    .map((r, i) => [r, floor.runs[i]] as const)
    .filter(([x, y]) => x && y && !x.problem && !y.problem)
    .map(([x, y]) => x.wallS / y.wallS)
  const paired = pairs.length ? median(pairs) : NaN
  console.log(
    `  ${ours.label} / ${floor.label}: best vs best ${(a.wallS / b.wallS).toFixed(2)}x, ` +
      `median vs median ${(medianWall(ours.runs) / medianWall(floor.runs)).toFixed(2)}x, ` +
      `median of ${pairs.length} pairs ${paired.toFixed(2)}x (${pairs.map((x) => x.toFixed(2)).join(', ')}) ` +
      `(target <= ${target.toFixed(2)}: ${paired <= target ? 'met' : 'not met'})`
  )
}
