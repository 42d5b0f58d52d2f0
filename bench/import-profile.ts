/**
 * One unshaped loopback import under the V8 profiler: the benchmark's workload (0.25-scale stream, whole
 * selection) served by nginx in its own process, the built CLI run once as
 *   node --cpu-prof --cpu-prof-dir=OUT out/main/cli.js --data-dir D boot-resources import
 * (every thread writes its own .cpuprofile: the main thread and each hashing worker), with the data dir
 * (and its cache) on disk under OUT. Summarise with bench/tools/cpuprofile-summary.mjs.
 *
 * With --perf, the import runs under `perf record -g` instead (node --perf-basic-prof for JS names), which
 * also sees the kernel (socket reads, page-cache writes) and every thread (libuv pool, hashing worker):
 *   perf report -i OUT/perf.data --no-children --sort comm,dso,sym
 *
 *   npm run build && npx tsx bench/import-profile.ts OUT [--scale 0.25] [--keep-stream DIR] [--perf | --no-prof]
 *     [--node-flag --trace-gc ...]
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, rm } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { startNginx } from './import/nginx'
import { makeWorkload, setupDataDir } from './import/workload'

const REPO = resolve(__dirname, '..')

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : undefined
}

async function main(): Promise<void> {
  const out = resolve(process.argv[2] ?? 'import-profile')
  const scale = Number(flag('scale') ?? 0.25)
  const cliJs = join(REPO, 'out', 'main', 'cli.js')
  if (!existsSync(cliJs)) throw new Error('out/main/cli.js is missing: run npm run build first')
  const work = flag('keep-stream') ? resolve(flag('keep-stream')!) : join(out, 'work')
  await mkdir(out, { recursive: true })
  const workload = await makeWorkload(work, scale)
  // A fresh nginx dir: its access log counts the bytes sent by this run only.
  await rm(join(out, 'nginx'), { recursive: true, force: true })
  const nginx = await startNginx({ dir: join(out, 'nginx'), root: workload.streamDir })
  try {
    const dataDir = join(out, 'data')
    await rm(dataDir, { recursive: true, force: true })
    const cli = [process.execPath, cliJs]
    await setupDataDir(cli, dataDir, `${nginx.url}streams/v1/index.sjson`, workload, 'whole')
    const profDir = join(out, 'prof')
    await rm(profDir, { recursive: true, force: true })
    const perf = process.argv.includes('--perf')
    // --node-flag X (repeatable) passes X to node as well, e.g. --node-flag --trace-gc.
    const extra = process.argv.flatMap((a, i) => (process.argv[i - 1] === '--node-flag' ? [a] : []))
    const nodeArgs = perf
      ? [...extra, '--perf-basic-prof', cliJs]
      : process.argv.includes('--no-prof')
        ? [...extra, cliJs]
        : [...extra, '--cpu-prof', `--cpu-prof-dir=${profDir}`, '--cpu-prof-interval', '500', cliJs]
    const argv = perf
      ? ['perf', 'record', '-F', '997', '-g', '-o', join(out, 'perf.data'), '--', process.execPath, ...nodeArgs]
      : [process.execPath, ...nodeArgs]
    const t0 = performance.now()
    const code = await new Promise<number | null>((res) => {
      const p = spawn(argv[0], [...argv.slice(1), '--data-dir', dataDir, 'boot-resources', 'import'], {
        stdio: ['ignore', 'inherit', 'inherit']
      })
      p.on('exit', (c) => res(c))
    })
    const ms = performance.now() - t0
    const sent = await nginx.payloadBytes()
    console.log(
      `import exited ${code} after ${(ms / 1000).toFixed(2)} s wall; ${(workload.selections.whole.bytes / 1e6).toFixed(0)} MB ` +
        `selected, nginx sent ${(sent / 1e6).toFixed(0)} MB of payload; profiles in ${profDir}`
    )
  } finally {
    await nginx.stop()
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
