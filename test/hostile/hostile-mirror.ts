/**
 * Shared pieces of the hostile-mirror suite: a small signed stream served on loopback and as a directory, a
 * metadata cache directory to prove nothing unverified lands in it, and builders for malicious documents.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach } from 'vitest'
import { streamFixture, type StreamFixture } from '../support/stream-fixture'
import { productsBase, signCleartext, writeSignedDocument } from '../support/stream-generator'

export interface HostileMirror extends StreamFixture {
  /** metadata cache directory for readStream; must stay empty whenever a read fails */
  cacheDir: string
  /** every file under cacheDir, relative */
  cachedFiles(): Promise<string[]>
  /** the stream's ubuntu products document, e.g. streams/v1/com.ubuntu.maas:stable:v3:download */
  ubuntuBase: string
}

/** One small signed stream (ubuntu products only) in a temp dir, served on loopback. */
export async function hostileMirror(): Promise<HostileMirror> {
  const fx = await streamFixture({
    releases: ['noble'],
    arches: ['amd64'],
    centos: false,
    bootloaders: false
  })
  const cacheDir = join(fx.tmp, 'metadata-cache')
  await mkdir(cacheDir, { recursive: true })
  return {
    ...fx,
    cacheDir,
    ubuntuBase: productsBase(fx.stream.contentIds.ubuntu),
    async cachedFiles() {
      const out: string[] = []
      for (const e of await readdir(cacheDir, { recursive: true, withFileTypes: true }))
        if (e.isFile()) out.push(join(e.parentPath, e.name).slice(cacheDir.length + 1))
      return out
    }
  }
}

/**
 * What each test of a file makes (mirrors, fixtures, data directories), removed after that test, the last
 * made first.
 */
export function useTestTemp(): {
  /** a hostileMirror() */
  mirror(): Promise<HostileMirror>
  /** any fixture with a cleanup */
  keep<T extends { cleanup(): Promise<void> }>(made: T): T
  /** an empty data directory */
  dataDir(prefix?: string): Promise<string>
} {
  const undo: Array<() => Promise<void>> = []
  afterEach(async () => {
    for (const step of undo.splice(0).reverse()) await step()
  })
  const keep = <T extends { cleanup(): Promise<void> }>(made: T): T => {
    undo.push(() => made.cleanup())
    return made
  }
  return {
    mirror: async () => keep(await hostileMirror()),
    keep,
    async dataDir(prefix = 'maas-hostile-data-') {
      const dir = await mkdtemp(join(tmpdir(), prefix))
      undo.push(() => rm(dir, { recursive: true, force: true }))
      return dir
    }
  }
}

/** Rewrites the signed index so it names `entries` (content id -> products path, stream-relative). */
export async function writeIndex(mirror: HostileMirror, entries: Array<[string, string]>): Promise<void> {
  const index: Record<string, unknown> = {}
  for (const [cid, path] of entries) index[cid] = { format: 'products:1.0', datatype: 'image-ids', path }
  await writeSignedDocument(
    mirror.stream.dir,
    'streams/v1/index',
    { format: 'index:1.0', updated: 'Fri, 01 Aug 2025 10:00:00 +0000', index },
    mirror.stream.key
  )
}

/**
 * Text of a products document of about `bytes` bytes made of many tiny products (the shape that blew the stack:
 * 470,000 products in 60 MB). Valid JSON, built as one string so the test process does not hold a tree.
 */
export function manyProductsText(contentId: string, bytes: number): { text: string; products: number } {
  const parts: string[] = []
  let size = 0
  let n = 0
  while (size < bytes) {
    const name = `com.example:v3:p${String(n).padStart(9, '0')}`
    const p = `"${name}":{"arch":"amd64","os":"ubuntu","release":"noble","versions":{"20240101":{"items":{}}}}`
    parts.push(p)
    size += p.length + 2
    n++
  }
  const head = `{"format":"products:1.0","content_id":"${contentId}","datatype":"image-ids","products":{\n`
  return { text: `${head}${parts.join(',\n')}\n}}\n`, products: n }
}

/** Writes `text` as the signed `<relBase>.sjson` of the mirror (no .json twin: the .sjson is what is read). */
export async function writeSignedText(mirror: HostileMirror, relBase: string, text: string): Promise<void> {
  await writeFile(join(mirror.stream.dir, `${relBase}.sjson`), await signCleartext(text, mirror.stream.key))
}

export interface CliRun {
  code: number | null
  stdout: string
  stderr: string
  /** peak resident memory of the CLI process (process.resourceUsage().maxRSS, reported by the child) */
  maxRssMiB: number
}

/** Starts the CLI through tsx in a child process (see cli-child.ts); `done` settles when it exits. */
export function spawnCli(dataDir: string, args: string[]): { child: ChildProcess; done: Promise<CliRun> } {
  const script = resolve(__dirname, 'cli-child.ts')
  const tsx = resolve(__dirname, '../../node_modules/.bin/tsx')
  const reportFile = join(dataDir, 'rss-report.json')
  const child = spawn(tsx, [script, '--data-dir', dataDir, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_PROXY: '*', no_proxy: '*', MAAS_TEST_RSS_REPORT: reportFile }
  })
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (d) => (stdout += d))
  child.stderr!.on('data', (d) => (stderr += d))
  const done = new Promise<CliRun>((ok, fail) => {
    child.on('error', fail)
    child.on('close', async (code) => {
      try {
        const { maxRssKiB } = JSON.parse(await readFile(reportFile, 'utf8')) as { maxRssKiB: number }
        ok({ code, stdout, stderr, maxRssMiB: maxRssKiB / 1024 })
      } catch {
        fail(new Error(`child reported no memory figure (exit ${code}): ${stderr}`))
      }
    })
  })
  return { child, done }
}

/** Peak resident memory of a child process running the CLI through tsx, as the child itself reports it. */
export function cliPeakRss(dataDir: string, args: string[]): Promise<CliRun> {
  return spawnCli(dataDir, args).done
}

export interface EndlessServer {
  url: string
  /** payload bytes written to item requests so far */
  itemBytesSent(): number
  close(): Promise<void>
}

/**
 * Serves the metadata under /streams/ from `root` honestly, and answers every other path (the items) with an
 * endless chunked body of zeros, no Content-Length: a reader that does not stop by itself never finishes.
 */
export async function startEndlessItemServer(root: string): Promise<EndlessServer> {
  let sent = 0
  const chunk = Buffer.alloc(64 * 1024)
  const server = http.createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
    if (path.startsWith('/streams/')) {
      readFile(join(root, path)).then(
        (data) => res.end(data),
        () => res.writeHead(404).end()
      )
      return
    }
    res.writeHead(200, { 'Content-Type': 'application/octet-stream' })
    const pump = (): void => {
      while (!res.destroyed && res.write(chunk)) sent += chunk.length
      if (!res.destroyed) res.once('drain', pump)
    }
    res.on('close', () => res.removeAllListeners('drain'))
    pump()
  })
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/`,
    itemBytesSent: () => sent,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections()
        server.close(() => ok())
      })
  }
}
