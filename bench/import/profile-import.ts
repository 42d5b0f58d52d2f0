/**
 * Where an import's CPU goes: one import of the built CLI under `perf record` (cpu-clock, call graphs, every
 * thread and the kernel; the CLI with --perf-basic-prof so JavaScript frames have names), against the
 * benchmark's server (nginx, behind its shaping proxy unless --only unshaped), sorted into categories by
 * perf-categories.ts. Needs perf; `npm run build` first.
 *
 *   npm run bench:profile -- [--scale 0.25] [--only shaped|unshaped] [--aria2c] [--keep FILE]
 *
 * --aria2c profiles `aria2c -k1M` without checks on the same files instead, for the same categories of the
 * client the targets compare with (socket receive and file writes are what both must pay).
 * --keep FILE copies perf.data there (for `perf report -i`), since everything else lives in a temp dir that
 * is removed at the end (V8's isolate logs included), as is the /tmp/perf-PID.map V8 writes for perf: that
 * is kept as FILE.perf-PID.map (copy it back to /tmp/perf-PID.map for perf to name the JavaScript frames).
 */
import { spawnSync } from 'node:child_process'
import { copyFile, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { forgetTempDir, installCleanupHandlers, killAllAndClean, registerTempDir } from './children'
import { cliCommand } from './cli-binary'
import { mb, SCENARIOS } from './context'
import { categoryTable, parsePerfScript } from './perf-categories'
import { timed } from './proc'
import { REFERENCE_CLIENTS } from './reference-clients'
import { serverKind, startBenchServer } from './servers'
import { makeWorkload, setupDataDir } from './workload'

function parseArgs(argv: string[]): { scale: number; shaped: boolean; aria2c: boolean; keep?: string } {
  const o = { scale: 0.25, shaped: true, aria2c: false, keep: undefined as string | undefined }
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1]
    if (argv[i] === '--aria2c') {
      o.aria2c = true
      continue
    }
    if (argv[i] === '--scale' && Number(v) > 0) o.scale = Number(v)
    else if (argv[i] === '--only' && (v === 'shaped' || v === 'unshaped')) o.shaped = v === 'shaped'
    else if (argv[i] === '--keep' && v) o.keep = v
    else
      throw new Error(`unknown or incomplete option "${argv[i]}" (see the comment at the top of this file)`)
    i++
  }
  return o
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2))
  if (spawnSync('perf', ['--version']).status !== 0)
    throw new Error('perf is not installed (Debian: apt-get install linux-perf)')
  installCleanupHandlers()
  const cli = await cliCommand()
  if (!cli.argv[0].endsWith('node')) throw new Error(`profiles the built CLI only, not ${cli.label}`)
  const root = await mkdtemp(join(tmpdir(), 'maas-profile-'))
  registerTempDir(root)
  let pid: string | undefined
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
      const dataDir = join(root, 'data')
      await setupDataDir(cli.argv, dataDir, server.url, w, 'whole')
      const data = join(root, 'perf.data')
      const [node, script] = cli.argv
      const client = o.aria2c
        ? await REFERENCE_CLIENTS[0].prepare(server.url, w.selections.whole.files, root, join(root, 'out'))
        : [node, '--perf-basic-prof', script, '--data-dir', dataDir, 'boot-resources', 'import', '--wait']
      // cpu-clock whatever counters the CPU has: its samples' periods are nanoseconds of CPU, which the
      // categories add up. In the temp dir, since --perf-basic-prof also writes V8's isolate logs to the
      // working directory.
      const t = await timed(
        ['perf', 'record', '-e', 'cpu-clock', '-F', '1999', '-g', '-o', data, '--', ...client],
        {
          cwd: root,
          timeoutS: 600
        }
      )
      if (t.code !== 0) throw new Error(`${client[0]} exited ${t.code}: ${(t.stderr ?? '').slice(-500)}`)
      const text = spawnSync('perf', ['script', '-i', data, '-F', 'comm,pid,tid,period,ip,sym,dso'], {
        encoding: 'utf8',
        maxBuffer: 1 << 30
      }).stdout
      pid = /^\S+\s+(\d+)\//m.exec(text)?.[1]
      const bytes = w.selections.whole.bytes
      console.log(
        `${o.aria2c ? REFERENCE_CLIENTS[0].label : 'maas-images import (defaults)'}, ` +
          `${sc.title}; ${w.selections.whole.files.length} files, ${mb(bytes)} MB; under perf: wall ${t.wallS.toFixed(2)} s, ` +
          `cpu ${t.cpuS.toFixed(2)} s (perf's own included)`
      )
      console.log(categoryTable(parsePerfScript(text), bytes))
      if (o.keep) {
        await copyFile(data, o.keep)
        // V8's map of JIT code names the JavaScript frames; perf reads it back from /tmp/perf-PID.map.
        if (pid) await copyFile(`/tmp/perf-${pid}.map`, `${o.keep}.perf-${pid}.map`).catch(() => undefined)
      }
    } finally {
      await server.stop()
    }
  } finally {
    if (pid) await rm(`/tmp/perf-${pid}.map`, { force: true })
    killAllAndClean()
    forgetTempDir(root)
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
})
