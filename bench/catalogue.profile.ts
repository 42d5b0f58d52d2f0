/**
 * Profiles only the measured part of the catalogue benchmark (not stream generation or module loading):
 * the same signed ~3 MB, 2,000-product stream, read end to end RUNS times under the V8 sampling profiler, the way
 * the app opens a catalogue (readCatalogue); FULL=1 profiles readStream + buildCatalogue instead (the full expansion).
 *   npx tsx bench/catalogue.profile.ts [out.cpuprofile]
 *   node bench/tools/cpuprofile-summary.mjs out.cpuprofile
 */
import { writeFile, mkdtemp, rm } from 'node:fs/promises'
import { Session } from 'node:inspector/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildCatalogue } from '../src/main/streams/catalogue'
import { readCatalogue } from '../src/main/streams/read-catalogue'
import { readStream } from '../src/main/streams/read-stream'
import { generateStream } from '../test/support/stream-generator'
import { startTestServer } from '../test/support/test-server'

const RUNS = Number(process.env.RUNS ?? 20)

async function main(): Promise<void> {
  const out = process.argv[2] ?? 'catalogue.cpuprofile'
  const tmp = await mkdtemp(join(tmpdir(), 'catalogue-prof-'))
  const session = new Session()
  session.connect()
  try {
    const stream = await generateStream({ dir: join(tmp, 'mirror'), extraProducts: 1988, versionsPerProduct: 1 })
    const server = await startTestServer({ root: stream.dir })
    const opts = {
      url: server.url,
      keyring: { keyring_filename: stream.keyringPath },
      proxy: { http_proxy: '', https_proxy: '', no_proxy: '*' }
    }
    try {
      const open = process.env.FULL
        ? async () => buildCatalogue(await readStream(opts))
        : async () => (await readCatalogue(opts)).entries
      for (let i = 0; i < 2; i++) await open() // warm-up: JIT, module state
      await session.post('Profiler.enable')
      await session.post('Profiler.setSamplingInterval', { interval: 200 })
      await session.post('Profiler.start')
      const cpu0 = process.cpuUsage()
      for (let i = 0; i < RUNS; i++) await open()
      const cpu = process.cpuUsage(cpu0)
      const { profile } = await session.post('Profiler.stop')
      await writeFile(out, JSON.stringify(profile))
      console.log(`${RUNS} runs, ${((cpu.user + cpu.system) / 1000 / RUNS).toFixed(1)} ms cpu per run; profile in ${out}`)
    } finally {
      await server.close()
    }
  } finally {
    session.disconnect()
    await rm(tmp, { recursive: true, force: true })
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
