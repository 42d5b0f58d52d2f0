/**
 * The server a benchmark scenario measures against, each part in its own process: nginx (directly for the
 * unshaped run, behind the shaping proxy for the shaped one), or, when nginx is not installed, the Node test
 * server (test/support/test-server-cli.ts), which shapes by itself.
 */
import type { ChildProcess } from 'node:child_process'
import { mkdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { groupCpuSeconds, killGroup, spawnGroup } from './children'
import { nginxBinary, startNginx } from './nginx'

const REPO = resolve(__dirname, '..', '..')

export interface Shaping {
  /** per connection, server to client */
  rateBytesPerSec: number
  /** round trip; each direction gets half */
  rttMs: number
}

export interface BenchServer {
  /** what clients connect to (the proxy when shaped) */
  url: string
  /** one line for the printout: which server, and how it is shaped */
  description: string
  /** a counter of bytes served that moves while requests are in flight (for timing a kill); use deltas */
  liveBytes(): Promise<number>
  /** payload bytes served, once every request has ended (for the figures) */
  payloadBytes(): Promise<number>
  /** CPU seconds the server's processes (nginx and the shaping proxy, or the Node server) used so far */
  cpuSeconds(): number
  stop(): Promise<void>
}

export type ServerKind = 'nginx' | 'node'

/** nginx when installed, unless BENCH_SERVER=node asks for the Node test server. */
export function serverKind(): { kind: ServerKind; why: string } {
  if (process.env.BENCH_SERVER === 'node') return { kind: 'node', why: 'BENCH_SERVER=node' }
  const bin = nginxBinary()
  if (bin) return { kind: 'nginx', why: `${bin} found` }
  return { kind: 'node', why: 'nginx is not installed; falling back to the Node test server' }
}

/** Runs `argv` in its own group and resolves with the first stdout line matching `pattern`. */
async function startPrinting(
  argv: string[],
  pattern: RegExp,
  what: string
): Promise<{ proc: ChildProcess; match: RegExpExecArray }> {
  const proc = spawnGroup(argv[0], argv.slice(1), { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] })
  let err = ''
  proc.stderr!.on('data', (d) => (err += d))
  const match = await new Promise<RegExpExecArray>((res, rej) => {
    let buf = ''
    const timer = setTimeout(() => rej(new Error(`${what} printed no address within 30 s: ${err}`)), 30_000)
    proc.stdout!.on('data', (d) => {
      buf += d
      const m = pattern.exec(buf)
      if (m) {
        clearTimeout(timer)
        res(m)
      }
    })
    proc.once('exit', (c) => {
      clearTimeout(timer)
      rej(new Error(`${what} exited with ${c}: ${err.trim()}`))
    })
  })
  return { proc, match }
}

async function stopProc(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return
  const gone = new Promise((r) => proc.once('exit', r))
  killGroup(proc, 'SIGTERM')
  const timer = setTimeout(() => killGroup(proc, 'SIGKILL'), 5000)
  await gone
  clearTimeout(timer)
}

const cpuOf = (proc: ChildProcess): number => (proc.pid === undefined ? NaN : groupCpuSeconds(proc.pid))

const tsx = (script: string): string[] => [process.execPath, '--import', 'tsx', join(REPO, script)]
const niced = (argv: string[], nice?: boolean): string[] => (nice ? ['nice', '-n', '19', ...argv] : argv)

export async function startBenchServer(o: {
  kind: ServerKind
  root: string
  /** a fresh dir for the server's config and logs */
  dir: string
  shaping?: Shaping
  /** nice 19 for the server (and proxy): the event-loop figure then shows the import's own blocking */
  nice?: boolean
}): Promise<BenchServer> {
  await mkdir(o.dir, { recursive: true })
  const shapeText = o.shaping
    ? `${o.shaping.rateBytesPerSec / 1e6} MB/s per connection, ${o.shaping.rttMs} ms round trip`
    : 'unshaped loopback'
  if (o.kind === 'node') return startNodeServer(o, shapeText)

  const nginx = await startNginx({ dir: o.dir, root: o.root, nice: o.nice })
  let proxy: ChildProcess | undefined
  let url = nginx.url
  let description = `nginx (own process, 2 workers, sendfile), ${shapeText}`
  if (o.shaping) {
    const started = await startPrinting(
      niced(
        [
          ...tsx('bench/import/shaping-proxy-cli.ts'),
          '--target',
          `127.0.0.1:${nginx.port}`,
          '--one-way-ms',
          String(o.shaping.rttMs / 2),
          '--rate',
          String(o.shaping.rateBytesPerSec)
        ],
        o.nice
      ),
      /^(\d+)\n/m,
      'shaping proxy'
    ).catch(async (e: unknown) => {
      await nginx.stop()
      throw e
    })
    proxy = started.proc
    url = `http://127.0.0.1:${started.match[1]}/`
    description =
      `nginx (own process, 2 workers, sendfile) behind the shaping proxy (own process): ${shapeText} ` +
      `(${o.shaping.rttMs / 2} ms each way, plus one round trip per new connection)`
  }
  if (o.nice) description += ', server at nice 19'
  return {
    url,
    description,
    liveBytes: async () => nginx.liveBytes(),
    payloadBytes: () => nginx.payloadBytes(),
    cpuSeconds: () => cpuOf(nginx.proc) + (proxy ? cpuOf(proxy) : 0),
    async stop() {
      if (proxy) await stopProc(proxy)
      await nginx.stop()
    }
  }
}

async function startNodeServer(
  o: { root: string; shaping?: Shaping; nice?: boolean },
  shapeText: string
): Promise<BenchServer> {
  const argv = [...tsx('test/support/test-server-cli.ts'), '--root', o.root]
  if (o.shaping) argv.push('--rate', String(o.shaping.rateBytesPerSec), '--latency', String(o.shaping.rttMs))
  const { proc, match } = await startPrinting(niced(argv, o.nice), /^(http:\/\/\S+)\n/m, 'Node test server')
  const url = match[1]
  const payload = async (): Promise<number> => {
    const stats = (await (await fetch(`${url}__stats`)).json()) as {
      byPath: Record<string, { bytes: number }>
    }
    let n = 0
    for (const [p, s] of Object.entries(stats.byPath)) if (!p.startsWith('/streams/')) n += s.bytes
    return n
  }
  return {
    url,
    description:
      `Node test server (own process), ${shapeText}` +
      (o.shaping ? ' (the delay is added once before each response)' : '') +
      (o.nice ? ', server at nice 19' : ''),
    liveBytes: payload,
    cpuSeconds: () => cpuOf(proc),
    async payloadBytes() {
      // Counted as written; a killed client's last writes land within a moment.
      await new Promise((r) => setTimeout(r, 300))
      return payload()
    },
    stop: () => stopProc(proc)
  }
}
