/**
 * Preload (node --require) that samples the memory of every thread of a process over its run and writes
 * what it saw at the process's peak RSS, so the peak can be taken apart:
 *   node --require bench/tools/memory-sampler.cjs out/main/cli.js ...   (MEMORY_SAMPLE_OUT=file.json)
 * Node applies --require to worker threads too: each thread samples its own isolate
 * (process.memoryUsage(): heapTotal, heapUsed, external, arrayBuffers) every MEMORY_SAMPLE_MS (25 ms); the
 * main thread also reads the process's RSS and, when RSS passes its peak by 1 MiB or more, /proc/self/smaps
 * summarised by kind of mapping (V8 heap, malloc arenas, thread stacks, the node binary, other files).
 * Workers send their latest sample to the main thread (a BroadcastChannel), so the peak record holds every
 * isolate as it was within one sample period of the peak. At exit the main thread writes JSON:
 *   { peak: { rss, smaps, threads: [...] }, timeline: [[ms, rssMiB, mainExternalMiB, workersExternalMiB], ...] }
 * With MEMORY_SAMPLE_RAW=1 the raw /proc/self/smaps at the peak is written beside it (OUT without .json, .smaps).
 * Sampling costs a little CPU (a smaps read is ~1 ms); it is off unless MEMORY_SAMPLE_OUT is set.
 */
'use strict'
const out = process.env.MEMORY_SAMPLE_OUT
if (out) start()

function start() {
  const { isMainThread, threadId } = require('node:worker_threads')
  const fs = require('node:fs')
  const MiB = 1 << 20
  const every = Number(process.env.MEMORY_SAMPLE_MS || 25)
  const channel = new BroadcastChannel('memory-sampler')
  channel.unref?.()
  const mine = () => {
    const m = process.memoryUsage()
    return {
      thread: threadId,
      heapTotal: m.heapTotal / MiB,
      heapUsed: m.heapUsed / MiB,
      external: m.external / MiB,
      arrayBuffers: m.arrayBuffers / MiB
    }
  }
  if (!isMainThread) {
    const t = setInterval(() => channel.postMessage(mine()), every)
    t.unref()
    return
  }
  const workers = new Map()
  channel.onmessage = (e) => workers.set(e.data.thread, e.data)
  const t0 = Date.now()
  const timeline = []
  let peak = { rss: 0 }
  let smapsAt = 0
  let rawSmaps = ''
  const sample = () => {
    const rss = process.memoryUsage.rss() / MiB
    const self = mine()
    const w = [...workers.values()]
    timeline.push([
      Date.now() - t0,
      +rss.toFixed(1),
      +self.external.toFixed(1),
      +w.reduce((n, x) => n + x.external, 0).toFixed(1)
    ])
    if (rss > peak.rss) {
      peak = { rss, atMs: Date.now() - t0, threads: [self, ...w], smaps: peak.smaps, smapsRss: peak.smapsRss }
      if (rss >= smapsAt + 1) {
        smapsAt = rss
        try {
          peak.smaps = smaps()
          peak.smapsRss = rss
          if (process.env.MEMORY_SAMPLE_RAW) rawSmaps = fs.readFileSync('/proc/self/smaps', 'utf8')
        } catch {
          // not Linux
        }
      }
    }
  }
  const timer = setInterval(sample, every)
  timer.unref()
  process.on('exit', () => {
    sample()
    const round = (o) => JSON.parse(JSON.stringify(o, (k, v) => (typeof v === 'number' ? +v.toFixed(2) : v)))
    fs.writeFileSync(out, JSON.stringify(round({ peak, timeline })))
    if (rawSmaps) fs.writeFileSync(out.replace(/\.json$/, '') + '.smaps', rawSmaps)
  })
}

/** RSS by kind of mapping, in MiB. Anonymous mappings are told apart by size and neighbours. */
function smaps() {
  const text = require('node:fs').readFileSync('/proc/self/smaps', 'utf8')
  const kinds = {}
  let kind = 'other'
  let size = 0
  for (const line of text.split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \d+\s*(.*)$/.exec(line)
    if (head) {
      size = parseInt(head[2], 16) - parseInt(head[1], 16)
      const name = head[4]
      if (name.includes('/node') || name.endsWith('node')) kind = 'node binary'
      else if (name.startsWith('/')) kind = 'other files'
      else if (name === '[heap]') kind = 'brk heap (main arena)'
      else if (name.startsWith('[stack')) kind = 'main stack'
      else if (name) kind = name
      // glibc thread arenas are 64 MiB reservations (heap_info at their start), V8 pages 256 KiB.
      else if (size === 64 << 20 || size === 128 << 20 || (size > 60 << 20 && size <= 64 << 20))
        kind = 'anon 64 MiB regions (malloc thread arenas)'
      else if (size === 8 << 20 || size === (8 << 20) + 4096) kind = 'anon 8 MiB (thread stacks)'
      else kind = 'anon other (V8 heap pages, mmapped malloc chunks)'
      continue
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line)
    if (rss) kinds[kind] = (kinds[kind] || 0) + Number(rss[1]) / 1024
  }
  return kinds
}
