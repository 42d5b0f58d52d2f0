/**
 * Catalogue read A/B in one process: this checkout's readStream against another checkout's (BASE), on the
 * same signed 3 MB, 2,000-product stream and test server, alternating which goes first, 30 measured reads
 * each. On a loaded machine this is steadier than comparing two runs of bench:catalogue, which can land
 * in different load.
 *   git archive <commit> src test/support | tar -x -C /tmp/base && ln -s "$PWD/node_modules" /tmp/base/
 *   BASE=/tmp/base npx tsx bench/catalogue.ab.ts
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { buildCatalogue } from '../src/main/streams/catalogue'
import { readStream } from '../src/main/streams/read-stream'
import { generateStream } from '../test/support/stream-generator'
import { startTestServer } from '../test/support/test-server'

const READS = 30
const WARMUP = 3

async function main(): Promise<void> {
  if (!process.env.BASE) throw new Error('set BASE to the other checkout (with src/main/streams)')
  const base = (await import(resolve(process.env.BASE, 'src/main/streams/read-stream.ts'))) as {
    readStream: typeof readStream
  }
  const tmp = await mkdtemp(join(tmpdir(), 'catalogue-ab-'))
  try {
    const stream = await generateStream({ dir: join(tmp, 'm'), extraProducts: 1988, versionsPerProduct: 1 })
    const server = await startTestServer({ root: stream.dir })
    const opts = {
      url: server.url,
      keyring: { keyring_filename: stream.keyringPath },
      proxy: { http_proxy: '', https_proxy: '', no_proxy: '*' }
    }
    const sides: [string, typeof readStream][] = [
      ['base', base.readStream],
      ['this', readStream]
    ]
    const t = new Map(sides.map(([name]) => [name, { wall: [] as number[], cpu: [] as number[] }]))
    try {
      for (let i = 0; i < READS + WARMUP; i++) {
        for (const [name, read] of i % 2 ? sides : [...sides].reverse()) {
          const c0 = process.cpuUsage()
          const t0 = performance.now()
          buildCatalogue(await read(opts))
          const c = process.cpuUsage(c0)
          if (i < WARMUP) continue
          t.get(name)!.wall.push(performance.now() - t0)
          t.get(name)!.cpu.push((c.user + c.system) / 1000)
        }
      }
    } finally {
      await server.close()
    }
    const q = (v: number[]): string => {
      const s = [...v].sort((a, b) => a - b)
      return `best ${s[0].toFixed(1)}, median ${s[Math.floor(s.length / 2)].toFixed(1)}`
    }
    for (const [name, v] of t) console.log(`${name}: wall ${q(v.wall)} ms; cpu ${q(v.cpu)} ms (${READS} reads)`)
  } finally {
    await rm(tmp, { recursive: true, force: true })
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
