/**
 * Child of compile-cache.test.ts: turns the code cache on for `cacheDir` (or not, with "-"), requires
 * `entry`, and prints what the cache did and what the module returned, as JSON.
 */
import { createRequire } from 'node:module'
import { enableCompileCache } from '../../src/main/cli/compile-cache'

const [cacheDir, entry] = process.argv.slice(2)
const stats = cacheDir === '-' ? undefined : enableCompileCache(cacheDir)
const loaded = createRequire(__filename)(entry) as { report(): Promise<unknown> }
void loaded.report().then((report) => {
  process.stdout.write(JSON.stringify({ hits: stats?.hits, misses: stats?.misses, report }))
})
