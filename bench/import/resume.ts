/**
 * Resume after kill -9: the CLI import is killed (SIGKILL to its process group) once the server has sent
 * about 40 % of the selection's payload, then run again to the end. The figure is how many more bytes the
 * server sent in total than the files hold, counted by the server (nginx's access log) after each run's
 * connections have closed, so bytes that were in flight when the import died are counted.
 */
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { killGroup, spawnGroup } from './children'
import { mb, sleep, withServer, type Ctx, type Scenario } from './context'
import { DIRECT_ENV, timed } from './proc'
import { setupDataDir, type SelectionName } from './workload'

const KILL_AT = 0.4
/** the targets for the extra bytes */
const TARGET: Record<SelectionName, number> = { whole: 5, small: 2 }

export async function resumeAfterKill(ctx: Ctx, sc: Scenario, selection: SelectionName): Promise<void> {
  const sel = ctx.workload.selections[selection]
  const total = sel.bytes
  await withServer(ctx, sc, async (server) => {
    const dataDir = join(ctx.root, 'data-resume')
    try {
      await setupDataDir(ctx.cli, dataDir, server.url, ctx.workload, selection)
      const base = await server.payloadBytes()
      const live0 = await server.liveBytes()
      const argv = [...ctx.cli, '--data-dir', dataDir, 'boot-resources', 'import']
      const child = spawnGroup(argv[0], argv.slice(1), {
        env: { ...process.env, ...DIRECT_ENV },
        stdio: 'ignore'
      })
      let exited = false
      const gone = new Promise<void>((r) => child.once('exit', () => ((exited = true), r())))
      const until = Date.now() + ctx.runTimeoutS * 1000
      let live = 0
      while (!exited && Date.now() < until && (live = (await server.liveBytes()) - live0) < total * KILL_AT)
        await sleep(5)
      const head = `  ${sel.label} (${mb(total)} MB), ${sc.key}:`
      if (exited) {
        console.log(`${head} the import ended before ${KILL_AT * 100} % was served; no figure`)
        return
      }
      killGroup(child, 'SIGKILL')
      await gone
      if (live < total * KILL_AT) {
        console.log(`${head} ${KILL_AT * 100} % not reached within ${ctx.runTimeoutS} s; no figure`)
        return
      }
      const first = (await server.payloadBytes()) - base
      const t = await timed(argv, { timeoutS: ctx.runTimeoutS })
      const second = (await server.payloadBytes()) - base - first
      const extra = first + second - total
      const pct = (extra / total) * 100
      console.log(
        `${head} killed at ${((live / total) * 100).toFixed(1)} % (live count); ${mb(first)} MB served by then incl. in flight; ` +
          `re-import served ${mb(second)} MB in ${t.wallS.toFixed(2)} s (exit ${t.code}); ` +
          `extra ${mb(extra)} MB = ${pct.toFixed(2)} % (target < ${TARGET[selection]} %)`
      )
      if (t.code !== 0) console.log(`    ! the re-import failed, so the figure above does not count`)
    } finally {
      await rm(dataDir, { recursive: true, force: true })
    }
  })
}
