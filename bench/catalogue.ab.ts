/**
 * Catalogue read A/B in one process: opening a catalogue the way this checkout's app does (readCatalogue)
 * against another checkout's (BASE: its readCatalogue when it has one, else its readStream + buildCatalogue),
 * plus this checkout's readStream + buildCatalogue (the full expansion an import reads), on the same signed
 * 3 MB, 2,000-product stream and test server, rotating which goes first, 30 measured reads each. On a loaded
 * machine this is steadier than comparing two runs of bench:catalogue, which can land in different load.
 *   git archive <commit> src test/support | tar -x -C /tmp/base && ln -s "$PWD/node_modules" /tmp/base/
 *   BASE=/tmp/base npx tsx bench/catalogue.ab.ts
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { existsSync } from 'node:fs'
import { buildCatalogue } from '../src/main/streams/catalogue'
import { readCatalogue } from '../src/main/streams/read-catalogue'
import { readStream } from '../src/main/streams/read-stream'
import { generateStream } from '../test/support/stream-generator'
import { startTestServer } from '../test/support/test-server'

const READS = 30
const WARMUP = 3

async function main(): Promise<void> {
  if (!process.env.BASE) throw new Error('set BASE to the other checkout (with src/main/streams)')
  const baseFile = (f: string): string => resolve(process.env.BASE!, 'src/main/streams', f)
  type Open = (opts: Parameters<typeof readStream>[0]) => Promise<unknown>
  let baseOpen: Open
  if (existsSync(baseFile('read-catalogue.ts'))) {
    const m = (await import(baseFile('read-catalogue.ts'))) as { readCatalogue: typeof readCatalogue }
    baseOpen = async (o) => (await m.readCatalogue(o)).entries
  } else {
    const r = (await import(baseFile('read-stream.ts'))) as { readStream: typeof readStream }
    const c = (await import(baseFile('catalogue.ts'))) as { buildCatalogue: typeof buildCatalogue }
    baseOpen = async (o) => c.buildCatalogue(await r.readStream(o))
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
    const sides: [string, Open][] = [
      ['base', baseOpen],
      ['this (readCatalogue)', async (o) => (await readCatalogue(o)).entries],
      ['this (readStream + buildCatalogue)', async (o) => buildCatalogue(await readStream(o))]
    ]
    const t = new Map(sides.map(([name]) => [name, { wall: [] as number[], cpu: [] as number[] }]))
    try {
      for (let i = 0; i < READS + WARMUP; i++) {
        const order = [...sides.slice(i % sides.length), ...sides.slice(0, i % sides.length)]
        for (const [name, open] of order) {
          const c0 = process.cpuUsage()
          const t0 = performance.now()
          await open(opts)
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
    console.log(`load average at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`)
    for (const [name, v] of t) console.log(`${name}: wall ${q(v.wall)} ms; cpu ${q(v.cpu)} ms (${READS} reads)`)
  } finally {
    await rm(tmp, { recursive: true, force: true })
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
