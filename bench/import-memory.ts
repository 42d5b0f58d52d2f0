/**
 * Where the CLI import's memory goes: the benchmark's workload served by nginx in its own process, the
 * built CLI's `boot-resources import` run several times (interleaved when several variants are given),
 * each under /usr/bin/time -v (peak RSS of the whole process, wall, CPU) and under
 * bench/tools/memory-sampler.cjs (every thread's heap and ArrayBuffers over the run, /proc/self/smaps at
 * the peak). Each run starts from a copy of the same prepared data dir, so only the import is measured.
 *
 *   npm run build && npx tsx bench/import-memory.ts OUT [--scale 0.25] [--reps 3] [--keep-stream DIR]
 *     [--variant 'LABEL|NODE FLAGS|CLI.js'] ...
 *
 * A variant is a label, node flags (space separated, may be empty) and the CLI file (default
 * out/main/cli.js); without --variant the built CLI runs with no flags. Prints one line per run and, per
 * variant, the breakdown at the peak of its last run; the sampler's JSON and each run's output (stdout and
 * stderr, e.g. --trace-gc) stay under OUT/runs.
 */
import { existsSync, readFileSync } from 'node:fs'
import { cp, mkdir, rm } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { startNginx } from './import/nginx'
import { timed } from './import/proc'
import { makeWorkload, setupDataDir } from './import/workload'

const REPO = resolve(__dirname, '..')
const SAMPLER = join(REPO, 'bench/tools/memory-sampler.cjs')

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : undefined
}

interface Variant {
  label: string
  nodeFlags: string[]
  cli: string
}

function variants(): Variant[] {
  const given = process.argv.flatMap((a, i) => (process.argv[i - 1] === '--variant' ? [a] : []))
  const defaultCli = join(REPO, 'out', 'main', 'cli.js')
  if (given.length === 0) return [{ label: 'built CLI', nodeFlags: [], cli: defaultCli }]
  return given.map((v) => {
    const [label, flags = '', cli = ''] = v.split('|')
    return { label, nodeFlags: flags.split(' ').filter(Boolean), cli: cli ? resolve(cli) : defaultCli }
  })
}

interface Sample {
  peak: {
    rss: number
    atMs: number
    smaps?: Record<string, number>
    smapsRss?: number
    threads: {
      thread: number
      heapTotal: number
      heapUsed: number
      external: number
      arrayBuffers: number
      spaces: Record<string, number>
    }[]
  }
  timeline: [number, number, number, number][]
}

async function main(): Promise<void> {
  const out = resolve(process.argv[2] ?? 'import-memory')
  const scale = Number(flag('scale') ?? 0.25)
  const reps = Number(flag('reps') ?? 3)
  const vs = variants()
  for (const v of vs) if (!existsSync(v.cli)) throw new Error(`${v.cli} is missing: run npm run build first`)
  const work = flag('keep-stream') ? resolve(flag('keep-stream')!) : join(out, 'work')
  await mkdir(join(out, 'runs'), { recursive: true })
  const workload = await makeWorkload(work, scale)
  await rm(join(out, 'nginx'), { recursive: true, force: true })
  const nginx = await startNginx({ dir: join(out, 'nginx'), root: workload.streamDir })
  try {
    const template = join(out, 'data-template')
    await rm(template, { recursive: true, force: true })
    await setupDataDir(
      [process.execPath, vs[0].cli],
      template,
      `${nginx.url}streams/v1/index.sjson`,
      workload,
      'whole'
    )
    const bytes = workload.selections.whole.bytes
    console.log(
      `scale ${scale}: ${workload.selections.whole.files.length} files, ${(bytes / 1e6).toFixed(0)} MB`
    )
    const last = new Map<string, Sample>()
    for (let rep = 0; rep < reps; rep++) {
      for (let k = 0; k < vs.length; k++) {
        const v = vs[(k + rep) % vs.length]
        const dataDir = join(out, 'data')
        await rm(dataDir, { recursive: true, force: true })
        await cp(template, dataDir, { recursive: true })
        const json = join(out, 'runs', `${v.label.replace(/\W+/g, '_')}-${rep}.json`)
        const before = await nginx.payloadBytes()
        const cpu0 = childCpu()
        // The import's own output (and e.g. --trace-gc) goes to a log beside the JSON; sh execs node, so
        // /usr/bin/time still measures the node process itself.
        const log = json.replace(/\.json$/, '.log')
        const t = await timed(
          [
            '/bin/sh',
            '-c',
            `exec "$0" "$@" > '${log}' 2>&1`,
            process.execPath,
            ...v.nodeFlags,
            v.cli,
            '--data-dir',
            dataDir,
            'boot-resources',
            'import'
          ],
          {
            env: {
              MEMORY_SAMPLE_OUT: json,
              NODE_OPTIONS: `--require=${SAMPLER}`,
              MEMORY_SAMPLE_SMAPS_MS: process.env.MEMORY_SAMPLE_SMAPS_MS ?? ''
            },
            timeoutS: 60 + 600 * scale
          }
        )
        const cpuS = childCpu() - cpu0
        const sent = (await nginx.payloadBytes()) - before
        const s = JSON.parse(readFileSync(json, 'utf8')) as Sample
        last.set(v.label, s)
        console.log(
          `${v.label.padEnd(28)} exit ${t.code}  wall ${t.wallS.toFixed(2)} s  cpu ${cpuS.toFixed(2)} s  ` +
            `peak RSS ${t.rssMb} MB (sampler ${s.peak.rss.toFixed(0)} MiB at ${(s.peak.atMs / 1000).toFixed(1)} s)  ` +
            `sent ${(sent / 1e6).toFixed(0)} MB${sent < bytes || t.code !== 0 ? '  ! does not count' : ''}`
        )
      }
    }
    for (const [label, s] of last) printBreakdown(label, s)
  } finally {
    await nginx.stop()
    await rm(join(out, 'data'), { recursive: true, force: true })
  }
}

/** User + system CPU of this process's waited-for children so far, in seconds (the time -v child's included). */
function childCpu(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // cutime and cstime (fields 16 and 17 of stat, 14 and 15 after the command name), in clock ticks.
  return (Number(fields[13]) + Number(fields[14])) / 100
}

function printBreakdown(label: string, s: Sample): void {
  const p = s.peak
  console.log(`\n${label}: peak RSS ${p.rss.toFixed(1)} MiB at ${(p.atMs / 1000).toFixed(1)} s`)
  for (const t of p.threads)
    console.log(
      `  thread ${t.thread}: heap ${t.heapUsed.toFixed(1)} used / ${t.heapTotal.toFixed(1)} total MiB, ` +
        `external ${t.external.toFixed(1)} MiB (ArrayBuffers ${t.arrayBuffers.toFixed(1)})\n    spaces (physical MiB): ` +
        Object.entries(t.spaces)
          .map(([k, v]) => `${k} ${v.toFixed(1)}`)
          .join(', ')
    )
  if (p.smaps) {
    console.log(`  smaps at ${p.smapsRss?.toFixed(1)} MiB RSS:`)
    for (const [k, mib] of Object.entries(p.smaps).sort((a, b) => b[1] - a[1]))
      if (mib >= 0.5) console.log(`    ${mib.toFixed(1).padStart(6)} MiB  ${k}`)
  }
  const ext = s.timeline.map((x) => x[2] + x[3])
  console.log(
    `  external (all threads) over the run: max ${Math.max(...ext).toFixed(1)} MiB, ` +
      `mean ${(ext.reduce((a, b) => a + b, 0) / ext.length).toFixed(1)} MiB, ${s.timeline.length} samples`
  )
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
