/**
 * The benchmark reads a server's CPU time from /proc by process group (bench/import/children.ts), to print
 * what the server and the shaping proxy used on the same cores while each client ran.
 */
import { describe, expect, it } from 'vitest'
import { onlyOn } from '../support/only-on'
import { groupCpuSeconds, killGroup, spawnGroup } from '../../bench/import/children'

describe.runIf(onlyOn(['linux'], 'groupCpuSeconds: it reads CPU time from /proc, Linux only'))(
  'groupCpuSeconds',
  () => {
    it("counts a busy group's CPU time, its children's included, and nothing of an idle one", async () => {
      // A parent and its child (same group) each burn 0.4 s of CPU, say so, then sleep. The spin counts user and
      // system time: each turn of it is a getrusage call, whose system time a user-only count left unbounded
      // (5.19 s in all on a loaded machine).
      const spin =
        "for (let u = process.cpuUsage(); u.user + u.system < 400000; u = process.cpuUsage()); " +
        "console.log('spun'); setTimeout(() => {}, 60000)"
      const parent = spawnGroup(
        process.execPath,
        [
          '-e',
          `require('node:child_process').spawn(process.execPath, ['-e', ${JSON.stringify(spin)}], { stdio: 'inherit' }); ${spin}`
        ],
        { stdio: ['ignore', 'pipe', 'ignore'] }
      )
      const idle = spawnGroup(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'])
      try {
        await new Promise<void>((resolve) => {
          let out = ''
          parent.stdout!.on('data', (d) => {
            out += d
            if ((out.match(/spun/g) ?? []).length === 2) resolve()
          })
        })
        const busy = groupCpuSeconds(parent.pid!)
        // 0.8 s burnt, as /proc counts it (in clock ticks, a little behind): without the child's, about 0.4.
        expect(busy).toBeGreaterThanOrEqual(0.7)
        // Both spins and two Node start-ups: nothing of other processes counted in.
        expect(busy).toBeLessThan(3)
        expect(groupCpuSeconds(idle.pid!)).toBeLessThan(0.5)
        expect(groupCpuSeconds(2 ** 30)).toBe(0)
      } finally {
        killGroup(parent)
        killGroup(idle)
      }
    }, 30_000)
  }
)
