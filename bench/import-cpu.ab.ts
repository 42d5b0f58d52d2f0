/**
 * CPU time of the CLI import, A/B between two builds: the benchmark's unshaped workload (0.25-scale
 * stream, whole selection) served by nginx in its own process, each build's `out/main/cli.js` run under
 * /usr/bin/time -v with a fresh data dir, the builds interleaved. Prints user + system CPU (a steadier
 * figure than wall time on a loaded machine), wall and peak RSS per run, and the best of each.
 *
 *   npm run build && npx tsx bench/import-cpu.ab.ts OTHER_CHECKOUT [--scale 0.25] [--reps 3]
 * (OTHER_CHECKOUT built too, e.g. `git archive BASE | tar -x -C DIR`, node_modules linked, npm run build)
 */
import { spawnSync } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { startNginx } from './import/nginx'
import { makeWorkload, setupDataDir } from './import/workload'

function flag(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : dflt
}

interface Run {
  cpuS: number
  wallS: number
  rssMb: number
}

function parseTime(err: string): Run {
  const num = (re: RegExp): number => Number(re.exec(err)?.[1] ?? NaN)
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(err)
  const wallS = wall ? Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]) : NaN
  return {
    cpuS: num(/User time \(seconds\): ([\d.]+)/) + num(/System time \(seconds\): ([\d.]+)/),
    wallS,
    rssMb: num(/Maximum resident set size \(kbytes\): (\d+)/) / 1024
  }
}

async function main(): Promise<void> {
  const other = resolve(process.argv[2] ?? '')
  const scale = Number(flag('scale', '0.25'))
  const reps = Number(flag('reps', '3'))
  const builds = [
    { name: `other (${other})`, cli: join(other, 'out/main/cli.js') },
    { name: 'this checkout', cli: resolve(__dirname, '..', 'out/main/cli.js') }
  ]
  const tmp = await mkdtemp(join(tmpdir(), 'import-cpu-ab-'))
  try {
    const workload = await makeWorkload(join(tmp, 'work'), scale)
    const nginx = await startNginx({ dir: join(tmp, 'nginx'), root: workload.streamDir })
    try {
      const url = `${nginx.url}streams/v1/index.sjson`
      const all = new Map<string, Run[]>(builds.map((b) => [b.name, []]))
      for (let r = 0; r < reps; r++) {
        for (const b of builds) {
          const dataDir = join(tmp, 'data')
          await rm(dataDir, { recursive: true, force: true })
          await setupDataDir([process.execPath, b.cli], dataDir, url, workload, 'whole')
          const p = spawnSync(
            '/usr/bin/time',
            ['-v', process.execPath, b.cli, '--data-dir', dataDir, 'boot-resources', 'import'],
            { encoding: 'utf8', maxBuffer: 64 << 20 }
          )
          if (p.status !== 0)
            throw new Error(`${b.name}: import exited ${p.status}: ${p.stderr.slice(-2000)}`)
          const run = parseTime(p.stderr)
          all.get(b.name)!.push(run)
          console.log(
            `rep ${r + 1} ${b.name}: cpu ${run.cpuS.toFixed(2)} s (user+sys), wall ${run.wallS.toFixed(2)} s, peak RSS ${run.rssMb.toFixed(0)} MB`
          )
        }
      }
      console.log(
        `${(workload.selections.whole.bytes / 1e6).toFixed(0)} MB selected; best (lowest cpu) of each:`
      )
      for (const b of builds) {
        const runs = all.get(b.name)!
        const best = [...runs].sort((x, y) => x.cpuS - y.cpuS)[0]
        const cpus = runs.map((x) => x.cpuS.toFixed(2)).join(', ')
        console.log(
          `  ${b.name}: cpu ${best.cpuS.toFixed(2)} s (all: ${cpus}), wall ${best.wallS.toFixed(2)} s, peak RSS ${best.rssMb.toFixed(0)} MB`
        )
      }
    } finally {
      await nginx.stop()
    }
  } finally {
    await rm(tmp, { recursive: true, force: true })
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
