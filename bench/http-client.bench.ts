/**
 * HTTP client micro-benchmark: the same files downloaded from nginx over loopback by
 *   - httpGet:       src/main/net httpGet (undici Agent + our dispatch handler + stall watchdog, body as a
 *                    Readable read with for await): what metadata reads use,
 *   - httpOpen:      src/main/net httpOpen, the body's chunks pushed to a consumer with no stream between:
 *                    the downloader's path (body-writer.ts),
 *   - before:        with --baseline DIR, httpGet of another checkout (e.g. the node:http client this
 *                    replaced: `git archive c8f7418 src tsconfig.json | tar -x -C DIR`, node_modules linked),
 *   - undici:        Pool(connections=C, pipelining=1).request(), body read as a stream,
 *   - undici-stream: Pool.stream() into a Writable (no intermediate Readable),
 * with the same number of connections, whole files or fixed-size Range requests. Bodies are counted, not
 * hashed or written, so the figures are the client's own cost. Runs interleave; all are printed.
 *
 *   npx tsx bench/http-client.bench.ts [--files 8] [--mib 64] [--connections 8] [--range-mib 0|4] [--reps 3]
 *                                      [--baseline DIR]
 *
 * Needs nginx (bench/import/nginx.ts starts it in its own process group). CPU time is this process's
 * (process.cpuUsage: user + system), which on a loaded machine is a steadier figure than wall time.
 */
import { createWriteStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { Pool } from 'undici'
import { pathToFileURL } from 'node:url'
import { httpGet, httpOpen } from '../src/main/net/request'
import { startNginx } from './import/nginx'

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? Number(process.argv[i + 1]) : dflt
}

const FILES = arg('files', 8)
const MIB = arg('mib', 64)
const CONNECTIONS = arg('connections', 8)
const RANGE = arg('range-mib', 0) * 1024 * 1024
const REPS = arg('reps', 3)
const SIZE = MIB * 1024 * 1024
const DIRECT = { http_proxy: '', https_proxy: '', no_proxy: '*' }

/** One unit of work: a path and an optional byte range. */
interface Job {
  path: string
  start: number
  end: number
}

function jobs(): Job[] {
  const out: Job[] = []
  for (let f = 0; f < FILES; f++) {
    const step = RANGE > 0 ? RANGE : SIZE
    for (let start = 0; start < SIZE; start += step)
      out.push({ path: `/f${f}.bin`, start, end: Math.min(SIZE, start + step) - 1 })
  }
  return out
}

function rangeHeader(j: Job): Record<string, string> {
  return RANGE > 0 ? { Range: `bytes=${j.start}-${j.end}` } : {}
}

/** Body chunk sizes in power-of-two buckets (bucket k holds sizes in [2^k, 2^(k+1))). */
class Chunks {
  count = 0
  bytes = 0
  buckets = new Map<number, number>()
  add(n: number): void {
    this.count++
    this.bytes += n
    const k = Math.floor(Math.log2(Math.max(1, n)))
    this.buckets.set(k, (this.buckets.get(k) ?? 0) + 1)
  }
  describe(): string {
    const top = [...this.buckets].sort((a, b) => b[1] - a[1]).slice(0, 3)
    const pct = top.map(([k, c]) => `${fmtSize(2 ** k)}-${fmtSize(2 ** (k + 1))}: ${((100 * c) / this.count).toFixed(0)}%`)
    return `${this.count} chunks, mean ${fmtSize(this.bytes / this.count)} (${pct.join(', ')})`
  }
}

function fmtSize(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)}M` : n >= 1024 ? `${Math.round(n / 1024)}K` : `${Math.round(n)}`
}

type Client = { name: string; fetchOne: (base: string, j: Job, chunks: Chunks) => Promise<void>; close?: () => Promise<void> }

type HttpGet = typeof httpGet

function readable(name: string, get: HttpGet): Client {
  return {
    name,
    async fetchOne(base, j, chunks) {
      const res = await get(base + j.path.slice(1), { proxy: DIRECT, headers: rangeHeader(j) })
      if (res.status !== 200 && res.status !== 206) throw new Error(`HTTP ${res.status} for ${j.path}`)
      for await (const chunk of res.body as AsyncIterable<Buffer>) chunks.add(chunk.length)
    }
  }
}

function pushed(): Client {
  return {
    name: 'httpOpen (pushed)',
    async fetchOne(base, j, chunks) {
      const res = await httpOpen(base + j.path.slice(1), { proxy: DIRECT, headers: rangeHeader(j) })
      if (res.status !== 200 && res.status !== 206) throw new Error(`HTTP ${res.status} for ${j.path}`)
      await new Promise<void>((resolve, reject) =>
        res.body.consume({ data: (chunk) => chunks.add(chunk.length), end: resolve, error: reject })
      )
    }
  }
}

async function baseline(): Promise<Client[]> {
  const i = process.argv.indexOf('--baseline')
  if (i < 0) return []
  const mod = (await import(pathToFileURL(`${process.argv[i + 1]}/src/main/net/request.ts`).href)) as { httpGet: HttpGet }
  return [readable('before: httpGet', mod.httpGet)]
}

function undiciRequest(base: string): Client {
  const pool = new Pool(new URL(base).origin, { connections: CONNECTIONS, pipelining: 1 })
  return {
    name: 'undici Pool.request',
    async fetchOne(_base, j, chunks) {
      const res = await pool.request({ path: j.path, method: 'GET', headers: rangeHeader(j) })
      if (res.statusCode !== 200 && res.statusCode !== 206) throw new Error(`HTTP ${res.statusCode} for ${j.path}`)
      for await (const chunk of res.body as AsyncIterable<Buffer>) chunks.add(chunk.length)
    },
    close: () => pool.close()
  }
}

function undiciStream(base: string): Client {
  const pool = new Pool(new URL(base).origin, { connections: CONNECTIONS, pipelining: 1 })
  return {
    name: 'undici Pool.stream',
    async fetchOne(_base, j, chunks) {
      await pool.stream({ path: j.path, method: 'GET', headers: rangeHeader(j) }, ({ statusCode }) => {
        if (statusCode !== 200 && statusCode !== 206) throw new Error(`HTTP ${statusCode} for ${j.path}`)
        return new Writable({
          write(chunk: Buffer, _enc, cb) {
            chunks.add(chunk.length)
            cb()
          }
        })
      })
    },
    close: () => pool.close()
  }
}

interface Result {
  wallMs: number
  cpuMs: number
  bytes: number
  chunks: Chunks
}

async function runOnce(client: Client, base: string): Promise<Result> {
  const queue = jobs()
  const chunks = new Chunks()
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      for (let j = queue.shift(); j; j = queue.shift()) await client.fetchOne(base, j, chunks)
    })
  )
  const wallMs = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  if (chunks.bytes !== FILES * SIZE) throw new Error(`${client.name}: got ${chunks.bytes} bytes, expected ${FILES * SIZE}`)
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, bytes: chunks.bytes, chunks }
}

async function makeFile(path: string): Promise<void> {
  const block = Buffer.alloc(1024 * 1024)
  for (let i = 0; i < block.length; i += 4) block.writeUInt32LE((i * 2654435761) >>> 0, i)
  const blocks = (function* () {
    for (let i = 0; i < MIB; i++) yield block
  })()
  await pipeline(blocks, createWriteStream(path))
}

async function main(): Promise<void> {
  const tmp = await mkdtemp(join(tmpdir(), 'http-client-bench-'))
  try {
    const root = join(tmp, 'root')
    const { mkdir } = await import('node:fs/promises')
    await mkdir(root)
    for (let f = 0; f < FILES; f++) await makeFile(join(root, `f${f}.bin`))
    const nginx = await startNginx({ dir: join(tmp, 'nginx'), root })
    try {
      const base = nginx.url
      const clients = [
        ...(await baseline()),
        readable('httpGet (Readable)', httpGet),
        pushed(),
        undiciRequest(base),
        undiciStream(base)
      ]
      console.log(
        `${FILES} files x ${MIB} MiB from nginx on loopback, ${CONNECTIONS} connections, ` +
          `${RANGE ? `${RANGE / 1024 / 1024} MiB Range requests` : 'whole files'}, ${REPS} interleaved reps`
      )
      // Warm-up: one pass each (JIT, page cache, keep-alive sockets).
      for (const c of clients) await runOnce(c, base)
      const all = new Map<string, Result[]>(clients.map((c) => [c.name, []]))
      for (let r = 0; r < REPS; r++) {
        for (const c of clients) {
          const res = await runOnce(c, base)
          all.get(c.name)!.push(res)
          console.log(
            `  rep ${r + 1} ${c.name.padEnd(22)} ${res.wallMs.toFixed(0).padStart(6)} ms wall ` +
              `${res.cpuMs.toFixed(0).padStart(6)} ms cpu ${((res.bytes / res.wallMs) * 1e3 / 1e6).toFixed(0).padStart(5)} MB/s`
          )
        }
      }
      console.log('best of each (lowest cpu; its wall and chunk sizes):')
      for (const c of clients) {
        const best = [...all.get(c.name)!].sort((a, b) => a.cpuMs - b.cpuMs)[0]
        const medianCpu = [...all.get(c.name)!].map((x) => x.cpuMs).sort((a, b) => a - b)[Math.floor(REPS / 2)]
        console.log(
          `  ${c.name.padEnd(22)} cpu best ${best.cpuMs.toFixed(0)} ms / median ${medianCpu.toFixed(0)} ms ` +
            `(${((best.cpuMs * 1e9) / best.bytes).toFixed(0)} ms per GB), wall ${best.wallMs.toFixed(0)} ms; ${best.chunks.describe()}`
        )
      }
      for (const c of clients) await c.close?.()
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
