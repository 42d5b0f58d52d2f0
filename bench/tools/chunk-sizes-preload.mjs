/**
 * Preload (node --import) that records the size of every HTTP response body chunk node:http hands to
 * the application (IncomingMessage push), and prints their distribution to stderr at exit. Used to
 * check the "small socket chunks" suspect on a real import:
 *   npx tsx bench/import-profile.ts OUT --no-prof --node-flag --import=$PWD/bench/tools/chunk-sizes-preload.mjs
 */
import { IncomingMessage } from 'node:http'
import { Readable } from 'node:stream'

const buckets = new Map()
let count = 0
let bytes = 0
IncomingMessage.prototype.push = function push(chunk, encoding) {
  if (chunk && chunk.length) {
    count++
    bytes += chunk.length
    const k = Math.floor(Math.log2(chunk.length))
    buckets.set(k, (buckets.get(k) || 0) + 1)
  }
  return Readable.prototype.push.call(this, chunk, encoding)
}
const size = (n) => (n >= 1 << 20 ? `${n / (1 << 20)}M` : n >= 1024 ? `${n / 1024}K` : `${n}`)
process.on('exit', () => {
  if (!count) return
  const rows = [...buckets].sort((a, b) => a[0] - b[0])
  const lines = rows.map(([k, c]) => `  [${size(2 ** k)}, ${size(2 ** (k + 1))}): ${c} chunks, ${((100 * c) / count).toFixed(1)}%`)
  process.stderr.write(`http body chunks: ${count}, ${bytes} bytes, mean ${(bytes / count / 1024).toFixed(1)} KiB\n${lines.join('\n')}\n`)
})
