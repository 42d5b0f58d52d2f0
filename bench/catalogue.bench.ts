/**
 * Catalogue benchmark: a signed ~3 MB products file with ~2,000 products, served on loopback, opened the way the
 * app opens a catalogue (readCatalogue: fetch + verify + parse + validate every item + one entry per product),
 * one warm-up and 5 measured times. FULL=1 measures readStream + buildCatalogue instead (the full expansion, as
 * an import reads the stream).
 *   npx tsx bench/catalogue.bench.ts          (RUNS=15 for more measured runs on a busy machine)
 * Prints measured figures only; the target is a median under 150 ms. The CPU median is printed too: on a
 * loaded machine the wall figure mostly measures waiting for a core.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { buildCatalogue } from '../src/main/streams/catalogue'
import { readCatalogue } from '../src/main/streams/read-catalogue'
import { readStream } from '../src/main/streams/read-stream'
import { generateStream } from '../test/support/stream-generator'
import { startTestServer } from '../test/support/test-server'

const RUNS = Number(process.env.RUNS ?? 5)

async function main(): Promise<void> {
  const tmp = await mkdtemp(join(tmpdir(), 'catalogue-bench-'))
  try {
    // 12 real products + 1,988 synthetic kernels; one version each gives the ~3 MB of the real stable file.
    const stream = await generateStream({
      dir: join(tmp, 'mirror'),
      extraProducts: 1988,
      versionsPerProduct: 1
    })
    const products = join(stream.dir, `streams/v1/${stream.contentIds.ubuntu}.sjson`)
    const size = (await stat(products)).size
    console.log(
      `products file: ${(size / 1e6).toFixed(2)} MB, ${stream.products.length} products in the stream`
    )
    const server = await startTestServer({ root: stream.dir })
    const direct = { http_proxy: '', https_proxy: '', no_proxy: '*' }
    const opts = { url: server.url, keyring: { keyring_filename: stream.keyringPath }, proxy: direct }
    const open = process.env.FULL
      ? async () => {
          const s = await readStream(opts)
          return { verified: s.verified, entries: buildCatalogue(s) }
        }
      : () => readCatalogue(opts)
    console.log(process.env.FULL ? 'readStream + buildCatalogue (FULL=1)' : 'readCatalogue (as the app opens a catalogue)')
    try {
      const times: number[] = []
      const cpuTimes: number[] = []
      for (let run = 0; run <= RUNS; run++) {
        const cpu0 = process.cpuUsage()
        const t0 = performance.now()
        const { verified, entries } = await open()
        const ms = performance.now() - t0
        const cpu = process.cpuUsage(cpu0)
        const cpuMs = (cpu.user + cpu.system) / 1000
        const label = run === 0 ? 'warm-up' : `run ${run}`
        // CPU time beside wall time: on a busy machine the wall figure includes waiting for a core. The test
        // server runs in this process, so its serving work is part of the CPU figure.
        console.log(
          `${label}: ${ms.toFixed(1)} ms wall, ${cpuMs.toFixed(1)} ms cpu (${entries.length} entries, verified=${verified})`
        )
        if (run > 0) {
          times.push(ms)
          cpuTimes.push(cpuMs)
        }
      }
      const median = (xs: number[]): string => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)].toFixed(1)
      console.log(`median: ${median(times)} ms over ${RUNS} runs (cpu median ${median(cpuTimes)} ms)`)
    } finally {
      await server.close()
    }
  } finally {
    await rm(tmp, { recursive: true, force: true })
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
