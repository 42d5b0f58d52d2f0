/**
 * Event-loop delay in the process that owns the window, while an import runs in its worker: the built
 * browser-mode host (out/main/browser-host.js, which builds the services as the app's main process does and
 * imports in a worker thread running out/main/import-worker.js) is started with a preload holding a
 * perf_hooks.monitorEventLoopDelay histogram (1 ms resolution) that SIGUSR2 starts and, the second time, stops
 * and writes out. The import is started over the loopback bridge as the window would (startImport), and its
 * progress events flow back over it to this process, as they would to the renderer.
 */
import { existsSync } from 'node:fs'
import { readFile, rm, writeFile } from 'node:fs/promises'
import { availableParallelism, loadavg } from 'node:os'
import { join, resolve } from 'node:path'
import WebSocket from 'ws'
import { killGroup, spawnGroup } from './children'
import { withServer, sleep, type Ctx, type Scenario } from './context'
import { DIRECT_ENV } from './proc'
import { setupDataDir } from './workload'

const REPO = resolve(__dirname, '..', '..')
const HOST = join(REPO, 'out', 'main', 'browser-host.js')
const WORKER = join(REPO, 'out', 'main', 'import-worker.js')

const PRELOAD = `const { monitorEventLoopDelay } = require('node:perf_hooks')
const h = monitorEventLoopDelay({ resolution: 1 })
let on = false
process.on('SIGUSR2', () => {
  if (!on) { h.reset(); h.enable(); on = true; return }
  h.disable(); on = false
  const ms = (n) => (n / 1e6).toFixed(1)
  require('node:fs').writeFileSync(process.env.LAG_OUT, JSON.stringify({ p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max), samples: h.count }))
})
`

interface Lag {
  p50: string
  p99: string
  max: string
  samples: number
}

export async function hostLoopLag(ctx: Ctx, sc: Scenario, nice: boolean): Promise<void> {
  for (const f of [HOST, WORKER])
    if (!existsSync(f))
      throw new Error(`${f} does not exist: run npm run build first (npm run bench:import does)`)
  const preload = join(ctx.root, 'host-lag-preload.cjs')
  await writeFile(preload, PRELOAD)
  await withServer(
    ctx,
    sc,
    async (server) => {
      const dataDir = join(ctx.root, 'data-host-lag')
      const out = join(ctx.root, 'host-lag.json')
      try {
        await setupDataDir(ctx.cli, dataDir, server.url, ctx.workload, 'whole')
        await rm(out, { force: true })
        const load0 = loadavg()[0]
        const r = await importThroughHost(preload, dataDir, out, ctx.runTimeoutS)
        const load1 = loadavg()[0]
        const lag = existsSync(out) ? (JSON.parse(await readFile(out, 'utf8')) as Lag) : undefined
        console.log(
          `  ${sc.key}${nice ? ', server at nice 19' : ''}: ` +
            (lag
              ? `p50 ${lag.p50} ms, p99 ${lag.p99} ms, max ${lag.max} ms (${lag.samples} samples)`
              : 'no figures written') +
            ` (import ${r.wallS.toFixed(2)} s, ${r.result}, ${r.progressEvents} progress events over the bridge;` +
            ` load average ${load0.toFixed(1)} -> ${load1.toFixed(1)} on ${availableParallelism()} shared cores)`
        )
      } finally {
        await rm(dataDir, { recursive: true, force: true })
      }
    },
    nice
  )
}

async function importThroughHost(
  preload: string,
  dataDir: string,
  out: string,
  timeoutS: number
): Promise<{ wallS: number; result: string; progressEvents: number }> {
  const host = spawnGroup(process.execPath, ['-r', preload, HOST, '--data-dir', dataDir], {
    cwd: REPO,
    env: { ...process.env, ...DIRECT_ENV, LAG_OUT: out },
    stdio: ['pipe', 'pipe', 'pipe']
  })
  let err = ''
  host.stderr!.on('data', (d) => (err += d))
  const timer = setTimeout(() => killGroup(host), timeoutS * 1000)
  try {
    const { url } = await firstJsonLine(host.stdout!, () => err)
    const page = new URL(url)
    const ws = new WebSocket(`ws://${page.host}/bridge?token=${page.searchParams.get('token')}`, {
      headers: { Origin: page.origin }
    })
    await new Promise<void>((res, rej) => {
      ws.once('open', () => res())
      ws.once('error', (e) => rej(new Error(`cannot reach the browser-mode host's bridge: ${e.message}`)))
    })
    let progressEvents = 0
    const finished = new Promise<{ ok: boolean; failures: unknown[]; stopped: boolean }>((res) => {
      ws.on('message', (data) => {
        const m = JSON.parse(String(data)) as {
          event?: string
          payload?: unknown
          id?: number
          result?: { ok: boolean }
        }
        if (m.event === 'importProgress') progressEvents++
        if (m.event === 'importFinished')
          res(m.payload as { ok: boolean; failures: unknown[]; stopped: boolean })
        if (m.id === 1 && m.result && !m.result.ok) res({ ok: false, failures: [m.result], stopped: false })
      })
    })
    host.kill('SIGUSR2')
    await sleep(100)
    const t0 = Date.now()
    ws.send(JSON.stringify({ id: 1, name: 'startImport' }))
    const result = await finished
    const wallS = (Date.now() - t0) / 1000
    host.kill('SIGUSR2')
    for (let i = 0; i < 100 && !existsSync(out); i++) await sleep(20)
    ws.close()
    host.stdin!.end()
    await new Promise((r) => host.once('exit', r))
    const summary = result.ok
      ? 'ok'
      : `failed: ${JSON.stringify(result.failures).slice(0, 300)}${result.stopped ? ' (stopped)' : ''}`
    return { wallS, result: summary, progressEvents }
  } finally {
    clearTimeout(timer)
    killGroup(host)
  }
}

function firstJsonLine(stream: NodeJS.ReadableStream, stderr: () => string): Promise<{ url: string }> {
  return new Promise((res, rej) => {
    let buf = ''
    const timer = setTimeout(
      () => rej(new Error(`the browser-mode host printed nothing in 30 s: ${stderr()}`)),
      30_000
    )
    stream.on('data', (d) => {
      buf += d
      const nl = buf.indexOf('\n')
      if (nl < 0) return
      clearTimeout(timer)
      try {
        res(JSON.parse(buf.slice(0, nl)) as { url: string })
      } catch {
        rej(new Error(`the browser-mode host printed ${buf.slice(0, nl)}`))
      }
    })
  })
}
