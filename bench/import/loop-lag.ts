/**
 * Event-loop delay inside the CLI import process: perf_hooks.monitorEventLoopDelay at 1 ms resolution,
 * preloaded with node -r, writing p50/p99/max on exit. Measured once with the server at normal priority
 * and once at nice 19: server and import share this host's cores, a real mirror does not.
 */
import { existsSync } from 'node:fs'
import { readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { withServer, type Ctx, type Scenario } from './context'
import { timed } from './proc'
import { setupDataDir } from './workload'

const PRELOAD = `const { monitorEventLoopDelay } = require('node:perf_hooks')
const h = monitorEventLoopDelay({ resolution: 1 }); h.enable()
process.on('exit', () => { h.disable(); const ms = (n) => (n / 1e6).toFixed(1)
  require('node:fs').writeFileSync(process.env.LAG_OUT, JSON.stringify({ p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max) })) })
`

export async function loopLag(ctx: Ctx, sc: Scenario, nice: boolean): Promise<void> {
  const preload = join(ctx.root, 'lag-preload.cjs')
  await writeFile(preload, PRELOAD)
  await withServer(
    ctx,
    sc,
    async (server) => {
      const dataDir = join(ctx.root, 'data-lag')
      const out = join(ctx.root, 'lag.json')
      try {
        await setupDataDir(ctx.cli, dataDir, server.url, ctx.workload, 'whole')
        await rm(out, { force: true })
        const argv = [
          ctx.cli[0],
          '-r',
          preload,
          ...ctx.cli.slice(1),
          '--data-dir',
          dataDir,
          'boot-resources',
          'import',
          '--wait'
        ]
        const t = await timed(argv, { env: { LAG_OUT: out }, timeoutS: ctx.runTimeoutS })
        const lag = existsSync(out) ? JSON.parse(await readFile(out, 'utf8')) : undefined
        console.log(
          `  ${sc.key}${nice ? ', server at nice 19' : ''}: ` +
            (lag ? `p50 ${lag.p50} ms, p99 ${lag.p99} ms, max ${lag.max} ms` : 'no figures written') +
            ` (wall ${t.wallS.toFixed(2)} s, exit ${t.code})`
        )
      } finally {
        await rm(dataDir, { recursive: true, force: true })
      }
    },
    nice
  )
}
