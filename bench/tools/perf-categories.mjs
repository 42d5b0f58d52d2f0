#!/usr/bin/env node
/**
 * Sorts `perf script -F tid,period,ip,sym` samples (a `perf record -g` of a node process run with
 * --perf-basic-prof) into categories by their call stack, per thread: where the CPU time of an import went,
 * kernel included. The first rule (top to bottom) that matches any frame of a sample's stack wins, so the
 * specific rules come first. Thread roles: the one with the most JS is "main"; a thread whose samples are
 * mostly sha256 is "hash worker"; V8/libuv helper threads are grouped as "helpers".
 *   perf script -i perf.data -F tid,period,ip,sym > perf.txt && node bench/tools/perf-categories.mjs perf.txt
 */
import { readFileSync } from 'node:fs'

const RULES = [
  ['GC', /v8::internal::(Heap|Scavenger|ScavengeJob|MarkCompact|MinorMarkSweep|ConcurrentMarking|Sweeper|MarkingVisitor|IncrementalMarking|GCTracer|ArrayBufferSweeper|MemoryAllocator|PagedSpace|Evacuat|PointersUpdating|RememberedSet|MarkingBarrier|ConcurrentMarkingVisitor)|Heap::CollectGarbage|CppHeap/],
  ['progress journal (sync writes)', /JS:.*\brecord\b.*(progress-journal|chunks)|ProgressJournal/],
  ['sha256 (hashing)', /sha256_block|sha256_|SHA256|HashUpdate/],
  ['file read-back for hashing (kernel)', /filemap_read|ext4_file_read_iter/],
  ['file writes (kernel page cache)', /ext4_file_write_iter|generic_perform_write|ext4_buffered_write|ext4_da_write|fsync|ext4_sync_file|ext4_writepages/],
  ['socket receive (kernel)', /tcp_recvmsg|tcp_rcv|sock_recvmsg|inet_recvmsg|tcp_v4_rcv|__tcp_|ip_rcv|net_rx_action|__napi_poll|loopback|skb_/],
  ['socket send (kernel)', /tcp_sendmsg|sock_sendmsg|ip_output|ip_finish_output|__dev_queue_xmit/],
  ['HTTP parsing (llhttp + node:_http_client JS)', /llhttp|http_parser|node::.*Parser::|JS:.*(socketOnData|parserOn|_http_client|_http_incoming|_http_common)/],
  ['copy into write batch (Buffer.copy)', /JS:.*(_copyActual|\bcopy node:buffer|take out\/main)/],
  ['streams/events JS (Readable, PassThrough, emit)', /JS:.*(node:internal\/streams|node:events|node:stream)/],
  ['JSON', /JsonParser|JsonStringifier|JSON/],
  ['JS parse + JIT compile (startup, background compiler threads)', /v8::internal::(Parser|Scanner|Compiler|compiler::|Compile|Maglev|baseline|AstValueFactory|PreParser|Deserializer|Snapshot|CalculateLineEnds)|wrapSafe|compileForInternalLoader|Module\._compile|_dl_|ld-linux/],
  ['openpgp / metadata', /openpgp|JS:.*(readStream|verifyCleartext|expandProducts)/],
  ['other kernel (syscalls, scheduling, faults)', /^ffffffff|\[kernel/],
  ['other JS / runtime', /JS:|Builtins_|v8::/],
]

function category(frames) {
  for (const [name, re] of RULES) if (frames.some((f) => re.test(f))) return name
  return 'other native (libc, malloc, libuv)'
}

const text = readFileSync(process.argv[2], 'utf8')
const perThread = new Map()
for (const block of text.split(/\n\s*\n/)) {
  const lines = block.split('\n').filter((l) => l.trim())
  if (!lines.length) continue
  const head = /^\s*(\d+)\s+(\d+)/.exec(lines[0])
  if (!head) continue
  const tid = head[1]
  const frames = lines.slice(1).map((l) => {
    const m = /^\s*([0-9a-f]+)\s+(.*)$/.exec(l)
    return m ? (m[1].length === 16 && m[1].startsWith('ffffffff') ? `${m[1]} ${m[2]}` : m[2]) : l
  })
  const t = perThread.get(tid) ?? { n: 0, cats: new Map(), js: 0, sha: 0 }
  t.n++
  const c = category(frames)
  t.cats.set(c, (t.cats.get(c) ?? 0) + 1)
  if (frames.some((f) => f.startsWith('JS:'))) t.js++
  if (c === 'sha256 (hashing)') t.sha++
  perThread.set(tid, t)
}
const total = [...perThread.values()].reduce((a, t) => a + t.n, 0)
const mainTid = [...perThread].sort((a, b) => b[1].js - a[1].js)[0][0]
const role = (tid, t) => (tid === mainTid ? 'main' : t.sha > t.n * 0.3 ? 'hash worker' : 'helpers (GC, libuv pool, other)')
const byRole = new Map()
for (const [tid, t] of perThread) {
  const r = role(tid, t)
  const agg = byRole.get(r) ?? { n: 0, cats: new Map(), tids: [] }
  agg.n += t.n
  agg.tids.push(tid)
  for (const [c, n] of t.cats) agg.cats.set(c, (agg.cats.get(c) ?? 0) + n)
  byRole.set(r, agg)
}
console.log(`${total} samples (${process.argv[3] ?? '997'} Hz => about ${(total / Number(process.argv[3] ?? 997)).toFixed(2)} s of CPU)`)
const all = new Map()
for (const [r, agg] of [...byRole].sort((a, b) => b[1].n - a[1].n)) {
  console.log(`\n${r}: ${((100 * agg.n) / total).toFixed(1)}% of all samples (${agg.tids.length} thread(s))`)
  for (const [c, n] of [...agg.cats].sort((a, b) => b[1] - a[1])) {
    console.log(`  ${((100 * n) / total).toFixed(1).padStart(5)}%  ${c}`)
    all.set(c, (all.get(c) ?? 0) + n)
  }
}
console.log('\nall threads:')
for (const [c, n] of [...all].sort((a, b) => b[1] - a[1])) console.log(`  ${((100 * n) / total).toFixed(1).padStart(5)}%  ${c}`)
