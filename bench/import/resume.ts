/**
 * Resume after kill -9: the CLI import is killed (SIGKILL to its process group) once it has written about
 * 40 % of the selection's payload to its data dir, then run again to the end. The figure is how many more
 * bytes the server sent in total than the files hold, counted by the server (nginx's access log) after each
 * run's connections have closed, so bytes that were in flight when the import died count against it.
 *
 * The kill point is judged on the client's disk, not on the server's count: nginx fills each connection's
 * socket buffers (megabytes on loopback) as soon as a request arrives, so on a small import its count runs
 * far ahead of the import's progress.
 */
import { lstat, readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { killGroup, spawnGroup } from './children'
import { mb, sleep, withServer, type Ctx, type Scenario } from './context'
import { DIRECT_ENV, timed } from './proc'
import { setupDataDir, type SelectionName } from './workload'

const KILL_AT = 0.4

/**
 * Bytes on disk under `dir` (allocated blocks, each inode once): what the import has written, whatever its
 * layout. Files are not preallocated, so a partial file's blocks are the bytes it holds.
 */
export async function bytesOnDisk(dir: string, seen = new Set<string>()): Promise<number> {
  let n = 0
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const p = join(dir, e.name)
    if (e.isDirectory()) n += await bytesOnDisk(p, seen)
    else if (e.isFile()) {
      const s = await lstat(p).catch(() => undefined)
      if (!s || seen.has(`${s.dev}:${s.ino}`)) continue
      seen.add(`${s.dev}:${s.ino}`)
      n += s.blocks * 512
    }
  }
  return n
}
/** the targets for the extra bytes */
const TARGET: Record<SelectionName, number> = { whole: 5, small: 2 }

const pct1 = (n: number, total: number): string => ((n / total) * 100).toFixed(1)

export async function resumeAfterKill(ctx: Ctx, sc: Scenario, selection: SelectionName): Promise<void> {
  const sel = ctx.workload.selections[selection]
  const total = sel.bytes
  await withServer(ctx, sc, async (server) => {
    const dataDir = join(ctx.root, 'data-resume')
    try {
      await setupDataDir(ctx.cli, dataDir, server.url, ctx.workload, selection)
      const base = await server.payloadBytes()
      const live0 = await server.liveBytes()
      const disk0 = await bytesOnDisk(dataDir)
      const argv = [...ctx.cli, '--data-dir', dataDir, 'boot-resources', 'import', '--wait']
      const child = spawnGroup(argv[0], argv.slice(1), {
        env: { ...process.env, ...DIRECT_ENV },
        stdio: 'ignore'
      })
      let exited = false
      const gone = new Promise<void>((r) => child.once('exit', () => ((exited = true), r())))
      const until = Date.now() + ctx.runTimeoutS * 1000
      let written = 0
      while (
        !exited &&
        Date.now() < until &&
        (written = (await bytesOnDisk(dataDir)) - disk0) < total * KILL_AT
      )
        await sleep(5)
      const head = `  ${sel.label} (${mb(total)} MB), ${sc.key}:`
      if (exited) {
        console.log(`${head} the import ended before it had written ${KILL_AT * 100} %; no figure`)
        return
      }
      const live = (await server.liveBytes()) - live0
      killGroup(child, 'SIGKILL')
      await gone
      if (written < total * KILL_AT) {
        console.log(`${head} ${KILL_AT * 100} % not reached within ${ctx.runTimeoutS} s; no figure`)
        return
      }
      const first = (await server.payloadBytes()) - base
      const t = await timed(argv, { timeoutS: ctx.runTimeoutS })
      const second = (await server.payloadBytes()) - base - first
      const extra = first + second - total
      const pct = (extra / total) * 100
      console.log(
        `${head} killed at ${pct1(written, total)} % written (server had sent ${pct1(live, total)} %); ` +
          `${mb(first)} MB served by then incl. in flight; ` +
          `re-import served ${mb(second)} MB in ${t.wallS.toFixed(2)} s (exit ${t.code}); ` +
          `extra ${mb(extra)} MB = ${pct.toFixed(2)} % (target < ${TARGET[selection]} %)`
      )
      if (t.code !== 0) console.log(`    ! the re-import failed, so the figure above does not count`)
    } finally {
      await rm(dataDir, { recursive: true, force: true })
    }
  })
}
