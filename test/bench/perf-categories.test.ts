/**
 * The import's CPU breakdown (bench/import/perf-categories.ts) sorts `perf script` samples by the first rule
 * that matches their stack and weighs each by its period, so a hash worker's read of the page cache is
 * read-back (not a file write or plain kernel time) and OpenSSL's sha-256 is hashing wherever it runs.
 */
import { describe, expect, it } from 'vitest'
import { categorise, categoryTable, parsePerfScript } from '../../bench/import/perf-categories'

// As `perf script -F comm,pid,tid,period,ip,sym,dso` prints them (trimmed stacks).
const SCRIPT = `node  100/100     2000000
\tffffffff81ba3db0 _copy_to_iter ([kernel.kallsyms])
\tffffffff815aa84e filemap_read ([kernel.kallsyms])
\tffffffff816dbd94 __x64_sys_pread64 ([kernel.kallsyms])
\t    7fa870d778a8 JS:^readSync node:fs:708:18 (/tmp/perf-100.map)
\t    7fa870d778a9 JS:^advance [worker eval]:7:17 (/tmp/perf-100.map)

node  100/104     3000000
\t          1f2a3b sha256_block_data_order_shaext (/usr/bin/node)
\t    7fa870d778aa JS:^update node:internal/crypto/hash:132:40 (/tmp/perf-100.map)
\t    7fa870d778a9 JS:^advance [worker eval]:7:17 (/tmp/perf-100.map)

node  100/101     1000000
\tffffffff81ba4000 copy_folio_from_iter_atomic ([kernel.kallsyms])
\tffffffff816dbd95 __x64_sys_pwrite64 ([kernel.kallsyms])
\t          1234 uv_fs_write (/usr/bin/node)

node  100/100     500000
\t    7fa870d77000 JS:*execute /repo/node_modules/undici/lib/dispatcher/client-h1.js:320:11 (/tmp/perf-100.map)
\t    7fa870d77001 JS:*onStreamRead node:internal/stream_base_commons:168:22 (/tmp/perf-100.map)

node  100/100     500000
\t          99999 _int_malloc (/usr/lib/x86_64-linux-gnu/libc.so.6)
`

describe('perf-categories', () => {
  it('parses each sample with its period and frames, innermost first', () => {
    const samples = parsePerfScript(SCRIPT)
    expect(samples.map((s) => s.period)).toEqual([2e6, 3e6, 1e6, 5e5, 5e5])
    expect(samples[0].frames[0]).toBe('_copy_to_iter ([kernel.kallsyms])')
    expect(samples[1].frames).toHaveLength(3)
  })

  it('puts each sample in the first matching category, weighted by its period', () => {
    const { total, rows } = categorise(parsePerfScript(SCRIPT))
    expect(total).toBeCloseTo(0.007, 9)
    const seconds = Object.fromEntries(rows.map((r) => [r.name, r.seconds]))
    expect(seconds).toEqual({
      'sha-256 (OpenSSL, SHA-NI)': 0.003,
      'read-back for hashing (page cache to the hash worker)': 0.002,
      'file writes (kernel, libuv pool)': 0.001,
      'JS: undici': 0.0005,
      'other (malloc, libuv, V8 runtime)': 0.0005
    })
    // largest first
    expect(rows[0].name).toBe('sha-256 (OpenSSL, SHA-NI)')
  })

  it('prints shares and ns per payload byte', () => {
    const table = categoryTable(parsePerfScript(SCRIPT), 7e6)
    expect(table).toContain('CPU sampled: 0.01 s (1.00 ns per payload byte)')
    expect(table).toContain('| sha-256 (OpenSSL, SHA-NI) | 0.00 | 42.9 % | 0.43 |')
  })
})
