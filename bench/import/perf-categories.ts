/**
 * Sorts `perf script` samples of an import (cpu-clock, call graphs, every thread and the kernel) into the
 * categories the import's CPU is discussed in (docs/performance.md, "Where the time goes"): each sample goes
 * to the first rule that matches its stack, so the order of RULES is the precedence. A sample's period is
 * the CPU time it stands for (cpu-clock samples carry nanoseconds), so the shares are CPU time, not samples.
 */

/** One sample: its period (ns of CPU) and its stack, innermost frame first (symbol and object, as printed). */
export interface Sample {
  period: number
  frames: string[]
}

const has = (frames: string[], re: RegExp): boolean => frames.some((f) => re.test(f))
/** The innermost JavaScript frame (`--perf-basic-prof` names them "JS:…"), or ''. */
const firstJs = (frames: string[]): string => frames.find((f) => f.startsWith('JS:')) ?? ''

export const RULES: Array<{ name: string; test(frames: string[]): boolean }> = [
  { name: 'sha-256 (OpenSSL, SHA-NI)', test: (f) => has(f, /sha256/i) },
  {
    name: 'read-back for hashing (page cache to the hash worker)',
    test: (f) => has(f, /\[worker eval\]/) && has(f, /pread64|filemap_read|readSync/)
  },
  { name: 'hash worker: messages, loop', test: (f) => has(f, /\[worker eval\]/) },
  {
    name: 'file writes (kernel, libuv pool)',
    test: (f) => has(f, /sys_pwrite64|ksys_write|vfs_write|uv_fs_write/)
  },
  { name: 'fsync (write-back)', test: (f) => has(f, /sys_fsync|sys_fdatasync/) },
  {
    name: 'socket receive (kernel copy to user)',
    test: (f) => has(f, /tcp_recvmsg|sock_recvmsg|sock_read_iter/)
  },
  {
    name: 'GC',
    test: (f) =>
      has(
        f,
        /Heap::|Scavenge|MarkCompact|GCTracer|Sweep|ConcurrentMarking|MinorMC|PagedSpace|MemoryAllocator|Evacuat|IncrementalMarking|MarkingVisitor|ArrayBufferExtension|BackingStore/
      )
  },
  {
    name: 'JS compile (parser, bytecode, TurboFan threads)',
    test: (f) => has(f, /compiler::|Compile|Parser|Liftoff|wasm::|Maglev|PreParse|Scanner/)
  },
  {
    name: 'process start (loader, snapshot)',
    test: (f) => has(f, /_dl_|ld-linux|Deserializ|InitializeOncePerProcess/)
  },
  {
    name: 'kernel: scheduling, epoll, futex, page faults, other syscalls',
    test: (f) => has(f, /entry_SYSCALL|asm_exc_page_fault|asm_sysvec|irq/)
  },
  { name: 'user-space memcpy (chunks into write batches)', test: (f) => /memmove|memcpy/.test(f[0] ?? '') },
  {
    name: 'HTTP parsing (llhttp, WebAssembly)',
    test: (f) => f.slice(0, 3).some((x) => /wasm|llhttp/.test(x))
  },
  { name: 'JS: undici', test: (f) => firstJs(f).includes('undici') },
  { name: 'JS: node internals (streams, fs, timers, events)', test: (f) => firstJs(f).includes(' node:') },
  { name: 'JS: ours and the bundle', test: (f) => firstJs(f) !== '' },
  { name: 'other (malloc, libuv, V8 runtime)', test: () => true }
]

/** Parses `perf script -F comm,tid,period,ip,sym,dso` output. */
export function parsePerfScript(text: string): Sample[] {
  const samples: Sample[] = []
  let cur: Sample | undefined
  for (const line of text.split('\n')) {
    if (line === '') continue
    if (!/^\s/.test(line)) {
      const period = Number(line.trim().split(/\s+/)[2])
      cur = { period: Number.isFinite(period) ? period : 0, frames: [] }
      samples.push(cur)
    } else if (cur) {
      // "    ffffffff81ba3db0 _copy_to_iter ([kernel.kallsyms])": the address, then symbol and object
      const t = line.trim()
      const sp = t.indexOf(' ')
      cur.frames.push(sp < 0 ? t : t.slice(sp + 1))
    }
  }
  return samples
}

/** CPU seconds per category, largest first, and the total. */
export function categorise(samples: Sample[]): {
  total: number
  rows: Array<{ name: string; seconds: number }>
} {
  const by = new Map<string, number>(RULES.map((r) => [r.name, 0]))
  let total = 0
  for (const s of samples) {
    const rule = RULES.find((r) => r.test(s.frames))!
    by.set(rule.name, (by.get(rule.name) ?? 0) + s.period)
    total += s.period
  }
  const rows = [...by]
    .filter(([, ns]) => ns > 0)
    .map(([name, ns]) => ({ name, seconds: ns / 1e9 }))
    .sort((a, b) => b.seconds - a.seconds)
  return { total: total / 1e9, rows }
}

/** The table as docs/performance.md shows it: CPU seconds, share, and ns per payload byte. */
export function categoryTable(samples: Sample[], payloadBytes: number): string {
  const { total, rows } = categorise(samples)
  const lines = [
    `CPU sampled: ${total.toFixed(2)} s (${((total * 1e9) / payloadBytes).toFixed(2)} ns per payload byte)`,
    '| category | CPU s | share | ns/byte |',
    '|---|---|---|---|'
  ]
  for (const r of rows)
    lines.push(
      `| ${r.name} | ${r.seconds.toFixed(2)} | ${((100 * r.seconds) / total).toFixed(1)} % | ${((r.seconds * 1e9) / payloadBytes).toFixed(2)} |`
    )
  return lines.join('\n')
}
