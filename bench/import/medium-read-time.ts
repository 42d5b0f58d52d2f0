/**
 * Child of the offline part: reads back the given staged files with staging's reader (one after another,
 * src/main/net/medium-read.ts: from the medium where the file system allows it) and prints how long that
 * took and where the bytes came from, so the benchmark can give the read-back's share of a staging. Staging
 * overlaps each file's read-back with the next files' writes, so the share is of its work, not wall time
 * it adds one for one.
 */
import { open } from 'node:fs/promises'
import { hashFromMedium } from '../../src/main/net/medium-read'

async function main(): Promise<void> {
  const t0 = process.hrtime.bigint()
  const sources = new Set<string>()
  for (const path of process.argv.slice(2)) {
    const h = await open(path, 'r')
    try {
      sources.add((await hashFromMedium(h, path, 'sha256')).source)
    } finally {
      await h.close()
    }
  }
  const s = Number(process.hrtime.bigint() - t0) / 1e9
  console.log(`read-back ${s.toFixed(3)} s from ${[...sources].join('+')}`)
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
})
