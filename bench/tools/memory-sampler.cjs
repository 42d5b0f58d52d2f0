/**
 * Preload (node --require) that samples the memory of every thread of a process over its run and writes
 * what it saw at the process's peak RSS, so the peak can be taken apart:
 *   node --require bench/tools/memory-sampler.cjs out/main/cli.js ...   (MEMORY_SAMPLE_OUT=file.json)
 * Node applies --require to worker threads too: each thread samples its own isolate
 * (process.memoryUsage(): heapTotal, heapUsed, external, arrayBuffers; the physical size of each heap space) every MEMORY_SAMPLE_MS (25 ms); the
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
  const v8 = require('node:v8')
  const mine = () => {
    const m = process.memoryUsage()
    const spaces = {}
    for (const sp of v8.getHeapSpaceStatistics())
      if (sp.physical_space_size > 0)
        spaces[sp.space_name.replace('_space', '')] = sp.physical_space_size / MiB
    return {
      spaces,
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
  // With MEMORY_SAMPLE_SMAPS_MS, the smaps summary over the run as well (each read costs ~1 ms).
  const smapsEvery = Number(process.env.MEMORY_SAMPLE_SMAPS_MS || 0)
  const smapsTimeline = []
  if (smapsEvery > 0) setInterval(() => smapsTimeline.push([Date.now() - t0, smaps()]), smapsEvery).unref()
  const timer = setInterval(sample, every)
  timer.unref()
  process.on('exit', () => {
    sample()
    const round = (o) => JSON.parse(JSON.stringify(o, (k, v) => (typeof v === 'number' ? +v.toFixed(2) : v)))
    fs.writeFileSync(out, JSON.stringify(round({ peak, timeline, smapsTimeline })))
    if (rawSmaps) fs.writeFileSync(out.replace(/\.json$/, '') + '.smaps', rawSmaps)
  })
}

/**
 * RSS by kind of mapping, in MiB. Anonymous mappings are told apart by shape: a glibc thread arena is a
 * read-write mapping directly followed by its PROT_NONE reserve (64 MiB together), V8 heap pages are
 * read-write mappings whose size is a multiple of 256 KiB; the rest (thread stacks, large malloc chunks,
 * V8's code range) is "anon other".
 */
function smaps() {
  const text = require('node:fs').readFileSync('/proc/self/smaps', 'utf8')
  const maps = []
  let cur
  for (const line of text.split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \d+\s*(.*)$/.exec(line)
    if (head) {
      cur = {
        a: parseInt(head[1], 16),
        b: parseInt(head[2], 16),
        perm: head[3],
        name: head[4].trim(),
        rss: 0
      }
      maps.push(cur)
      continue
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line)
    if (rss && cur) cur.rss = Number(rss[1]) / 1024
  }
  const kinds = {}
  maps.forEach((m, i) => {
    const size = m.b - m.a
    const next = maps[i + 1]
    let kind
    if (/\/node$/.test(m.name)) kind = 'node binary'
    else if (m.name.startsWith('/')) kind = 'other files'
    else if (m.name === '[heap]') kind = 'malloc main arena (brk heap)'
    else if (m.name) kind = m.name.startsWith('[stack') ? 'main stack' : 'other'
    else if (
      next &&
      !next.name &&
      next.perm === '---p' &&
      next.a === m.b &&
      [64, 128].includes((size + next.b - next.a) / 1048576)
    )
      kind = 'malloc thread arenas'
    else if (m.perm === 'rw-p' && size % (256 << 10) === 0) kind = 'V8 heap pages'
    else kind = 'anon other'
    kinds[kind] = (kinds[kind] || 0) + m.rss
  })
  return kinds
}
