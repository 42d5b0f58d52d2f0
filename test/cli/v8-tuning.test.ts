/**
 * The CLI's V8 tuning (src/main/cli/v8-tuning.ts, heap-governor.ts), on a real process each time: the flags
 * are set at run time, after V8 started, so only a process that really runs with them shows they apply.
 * Each figure is compared with the same child run untuned, so the test fails if the tuning stops working.
 */
import { execFileSync } from 'node:child_process'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const MiB = 1 << 20

interface ChildReport {
  newSpace: number
  maxExternal: number
  maxPromoted: number
  maxInTurn: number
  scavenges: number
  fullCollections: number
}

function runChild(mode: 'tuned' | 'default'): ChildReport {
  const tsx = resolve(__dirname, '../../node_modules/.bin/tsx')
  const out = execFileSync(tsx, [join(__dirname, 'v8-tuning-child.ts'), mode], {
    encoding: 'utf8',
    timeout: 120_000
  })
  return JSON.parse(out) as ChildReport
}

describe('CLI V8 tuning', () => {
  const tuned = runChild('tuned')
  const untuned = runChild('default')

  // Under tsx the young generation has grown once (to 2 x 2 MiB) before the child's first line runs; the
  // built CLI sets the flag before that happens (2 x 1 MiB). Untuned it grows to 2 x 16 MiB.
  it('stops the young generation from growing where V8 would grow it to its maximum', () => {
    expect(untuned.newSpace).toBeGreaterThanOrEqual(16 * MiB)
    expect(tuned.newSpace).toBeLessThanOrEqual(4 * MiB)
  })

  it('frees dead 64 KiB receive buffers within a few MiB instead of letting them pile up to V8s 64 MiB allowance', () => {
    expect(untuned.maxExternal).toBeGreaterThanOrEqual(30 * MiB)
    expect(tuned.maxExternal).toBeLessThanOrEqual(20 * MiB)
    expect(tuned.scavenges).toBeGreaterThan(0)
  })

  it('frees buffers that died old (promoted by its scavenges) with full collections, within its step', () => {
    // 6 MiB alive at any time. With the governor's "full" collection being a scavenge (gc({ type: 'major' }) in
    // Node 20's V8), they piled up to 78 MB, twice what V8 alone let them reach (38 MB).
    expect(tuned.fullCollections).toBeGreaterThan(0)
    expect(tuned.maxPromoted).toBeLessThanOrEqual(24 * MiB)
    expect(untuned.maxPromoted).toBeGreaterThan(tuned.maxPromoted)
  })

  it('frees dead receive buffers within one event-loop turn, which its timer cannot interrupt', () => {
    // 48 MiB of 64 KiB reads in one turn: V8 alone scavenges only once 32 MiB of them are young; the governor,
    // told of every MiB received (net/receive-meter.ts), keeps it to about its 2 MiB step.
    expect(untuned.maxInTurn).toBeGreaterThanOrEqual(16 * MiB)
    expect(tuned.maxInTurn).toBeLessThanOrEqual(8 * MiB)
  })

  it('scavenges on the main thread alone, where V8 would split each scavenge into tasks on its worker threads', () => {
    const tsx = resolve(__dirname, '../../node_modules/.bin/tsx')
    // V8's trace: a "scavenge[...]" line per task, then the collection's "Scavenge" line.
    const tasks = (mode: 'tuned' | 'default'): number[] => {
      const out = execFileSync(tsx, [join(__dirname, 'scavenge-tasks-child.ts'), mode], {
        encoding: 'utf8',
        timeout: 60_000
      })
      const perScavenge: number[] = []
      let n = 0
      for (const line of out.split('\n')) {
        if (/scavenge\[/.test(line)) n++
        else if (/ Scavenge /.test(line)) {
          perScavenge.push(n)
          n = 0
        }
      }
      return perScavenge
    }
    const tuned = tasks('tuned')
    expect(tuned.length).toBeGreaterThan(10)
    expect(Math.max(...tuned)).toBe(1)
    expect(Math.max(...tasks('default'))).toBeGreaterThan(1)
  })

  it("keeps WebAssembly (undici's HTTP parser) at its baseline tier, where V8 would re-compile it on background threads", () => {
    const tsx = resolve(__dirname, '../../node_modules/.bin/tsx')
    const tier = (
      mode: 'tuned' | 'default',
      ms: number
    ): { turboFan: boolean; liftoff: boolean; ms: number } =>
      JSON.parse(
        execFileSync(tsx, [join(__dirname, 'wasm-tier-child.ts'), mode, String(ms)], {
          encoding: 'utf8',
          timeout: 60_000
        })
      ) as { turboFan: boolean; liftoff: boolean; ms: number }
    const untuned = tier('default', 20_000)
    expect(untuned.turboFan).toBe(true)
    // Tuned, it stays in Liftoff for three times as long as V8 took to re-compile it untuned (at least 1 s).
    expect(tier('tuned', Math.max(1000, 3 * untuned.ms))).toMatchObject({ turboFan: false, liftoff: true })
    // Up to 20 s untuned and three times that tuned, each a child that compiles its TypeScript first.
  }, 120_000)
})
