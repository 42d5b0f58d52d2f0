/**
 * The CLI's peak memory with a 60 MB products file (just under the 64 MiB per-document cap, ~520,000 tiny
 * products): measured in a child process running the CLI through tsx, which reports
 * process.resourceUsage().maxRSS (the whole process's high-water mark; tsx itself accounts for ~100 MiB of it).
 * Parsed whole, such a document takes the process past 800 MiB and then dies with "Maximum call stack size
 * exceeded"; the object budget must refuse it, by name, before it is verified or parsed.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  cliPeakRss,
  hostileMirror,
  manyProductsText,
  writeIndex,
  writeSignedText,
  type HostileMirror
} from './hostile-mirror'

const PEAK_LIMIT_MIB = 400
let m: HostileMirror
let products = 0

beforeAll(async () => {
  m = await hostileMirror()
  const cid = 'com.example:huge'
  const big = manyProductsText(cid, 60 * 1000 * 1000)
  products = big.products
  await writeSignedText(m, 'streams/v1/huge', big.text)
  await writeIndex(m, [[cid, 'streams/v1/huge.sjson']])
}, 240_000)

afterAll(async () => {
  await m?.cleanup()
})

describe('CLI peak memory against a 60 MB products file', () => {
  it('boot-sources create (Connect: readStream) refuses it by name, under 400 MB peak', async () => {
    expect(products).toBeGreaterThan(450_000)
    const data = await mkdtemp(join(tmpdir(), 'maas-hostile-data-'))
    try {
      const r = await cliPeakRss(data, [
        'boot-sources',
        'create',
        `url=${m.stream.dir}`,
        `keyring_filename=${m.stream.keyringPath}`
      ])
      expect(r.stderr).not.toMatch(/call stack/)
      // boot-sources is a MAAS command group: a refusal exits 2, as MAAS's CLI does.
      expect(r.code, r.stderr).toBe(2)
      expect(r.stderr).toMatch(
        /streams\/v1\/huge\.sjson of .*: more than 250,000 JSON objects in this stream's metadata .*refused/
      )
      expect(r.maxRssMiB).toBeLessThan(PEAK_LIMIT_MIB)
      console.info(`boot-sources create, 60 MB products file: peak RSS ${r.maxRssMiB.toFixed(0)} MiB`)
    } finally {
      await rm(data, { recursive: true, force: true })
    }
  }, 180_000)

  it('verify (verifyMirror) of the same mirror reports it by name, under 400 MB peak', async () => {
    const data = await mkdtemp(join(tmpdir(), 'maas-hostile-data-'))
    try {
      const r = await cliPeakRss(data, ['verify', m.stream.dir, `keyring_filename=${m.stream.keyringPath}`])
      expect(r.stderr).not.toMatch(/call stack/)
      expect(r.code, r.stderr).toBe(1)
      const report = JSON.parse(r.stdout) as { ok: boolean; problems: string[] }
      expect(report.ok).toBe(false)
      expect(report.problems.join('\n')).toMatch(
        /streams\/v1\/huge\.sjson of .*: more than 250,000 JSON objects/
      )
      expect(r.maxRssMiB).toBeLessThan(PEAK_LIMIT_MIB)
      console.info(`verify, 60 MB products file: peak RSS ${r.maxRssMiB.toFixed(0)} MiB`)
    } finally {
      await rm(data, { recursive: true, force: true })
    }
  }, 180_000)

  it('reads a 60 MB products file of few objects (one huge string) successfully under 400 MB peak', async () => {
    // Under the object budget, so it is verified and parsed: this bounds the signature check itself, which
    // held ~300 MB of copies of such a document before the text was streamed to openpgp.
    const cid = 'com.example:long'
    const text = `{"format":"products:1.0","content_id":"${cid}","notes":"${'x'.repeat(60_000_000)}","products":{}}\n`
    await writeSignedText(m, 'streams/v1/long', text)
    await writeIndex(m, [[cid, 'streams/v1/long.sjson']])
    const data = await mkdtemp(join(tmpdir(), 'maas-hostile-data-'))
    try {
      const r = await cliPeakRss(data, [
        'boot-sources',
        'create',
        `url=${m.stream.dir}`,
        `keyring_filename=${m.stream.keyringPath}`
      ])
      expect(r.code, r.stderr).toBe(0)
      expect(r.maxRssMiB).toBeLessThan(PEAK_LIMIT_MIB)
      console.info(
        `boot-sources create, 60 MB single-string products file: peak RSS ${r.maxRssMiB.toFixed(0)} MiB`
      )
    } finally {
      await rm(data, { recursive: true, force: true })
    }
  }, 240_000)
})
