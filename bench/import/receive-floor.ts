/**
 * What receiving the import's bytes costs Node before the import's own work: the files of the workload fetched
 * whole over 16 connections from the benchmark's server (shaped unless --only unshaped), by a raw socket
 * reading into one buffer, by undici's dispatch discarding the bytes, and by undici writing them in 256 KiB
 * batches (receive-floor-child.cjs), interleaved with the import itself and aria2c `-k1M` without checks;
 * CPU (user + system), peak RSS and wall time per run. docs/performance.md ("Where the time goes") quotes it.
 *
 *   npm run bench:floor -- [--scale 0.25] [--reps 3] [--only shaped|unshaped]
 *
 * Builds the app first (for the import row); needs nginx and aria2c as the benchmark does.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { installCleanupHandlers, killAllAndClean, registerTempDir } from './children'
import { cliCommand } from './cli-binary'
import { SCENARIOS } from './context'
import { timed } from './proc'
import { REFERENCE_CLIENTS } from './reference-clients'
import { serverKind, startBenchServer } from './servers'
import { makeWorkload, setupDataDir } from './workload'

const WAYS = ['socket', 'undici', 'undici-write', 'import', 'aria2c'] as const

function parseArgs(argv: string[]): { scale: number; reps: number; shaped: boolean } {
  const o = { scale: 0.25, reps: 3, shaped: true }
  for (let i = 0; i < argv.length; i += 2) {
    const v = argv[i + 1]
    if (argv[i] === '--scale' && Number(v) > 0) o.scale = Number(v)
    else if (argv[i] === '--reps' && Number(v) >= 1) o.reps = Math.floor(Number(v))
    else if (argv[i] === '--only' && (v === 'shaped' || v === 'unshaped')) o.shaped = v === 'shaped'
    else
      throw new Error(`unknown or incomplete option "${argv[i]}" (see the comment at the top of this file)`)
  }
  return o
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2))
  installCleanupHandlers()
  const cli = await cliCommand()
  const root = await mkdtemp(join(tmpdir(), 'maas-floor-'))
  registerTempDir(root)
  try {
    const w = await makeWorkload(root, o.scale)
    const sc = o.shaped ? SCENARIOS.shaped : SCENARIOS.unshaped
    const server = await startBenchServer({
      kind: serverKind().kind,
      root: w.streamDir,
      dir: join(root, 'server'),
      shaping: sc.shaping
    })
    try {
      const files = w.selections.whole.files
      const list = join(root, 'urls.txt')
      await writeFile(list, files.map((f) => `${server.url}${f.path}`).join('\n'))
      console.log(`${sc.title}; ${files.length} files, ${(w.selections.whole.bytes / 1e6).toFixed(1)} MB`)
      const cpu = new Map<string, number[]>()
      for (let r = 0; r < o.reps; r++) {
        for (const way of WAYS) {
          const out = join(root, `out-${r}-${way}`)
          await mkdir(out)
          let argv = [process.execPath, join(__dirname, 'receive-floor-child.cjs'), list, way, out]
          if (way === 'import') {
            await setupDataDir(cli.argv, out, server.url, w, 'whole')
            argv = [...cli.argv, '--data-dir', out, 'boot-resources', 'import', '--wait']
          } else if (way === 'aria2c') {
            argv = await REFERENCE_CLIENTS[0].prepare(server.url, files, root, out)
          }
          const t = await timed(argv, { cwd: root, timeoutS: 900 })
          const ok = t.code === 0 ? '' : ` (exited ${t.code}: not counted)`
          if (t.code === 0) cpu.set(way, [...(cpu.get(way) ?? []), t.cpuS])
          console.log(
            `  ${way.padEnd(12)} cpu ${t.cpuS.toFixed(2)} s  peak RSS ${String(t.rssMb).padStart(3)} MB  ` +
              `wall ${t.wallS.toFixed(2)} s  load ${loadavg()[0].toFixed(1)}${ok}`
          )
        }
      }
      for (const way of WAYS) {
        const s = (cpu.get(way) ?? []).sort((a, b) => a - b)
        if (s.length === 0) continue
        const median = s[Math.floor(s.length / 2)]
        console.log(
          `${way.padEnd(12)} cpu median ${median.toFixed(2)} s (${((median * 1e9) / w.selections.whole.bytes).toFixed(2)} ns/byte)`
        )
      }
    } finally {
      await server.stop()
    }
  } finally {
    killAllAndClean()
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
})
