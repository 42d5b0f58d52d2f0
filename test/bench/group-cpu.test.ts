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
      // A parent and its child (same group) each burn 0.4 s of CPU, say so, then sleep.
      const spin =
        "while (process.cpuUsage().user < 400000); console.log('spun'); setTimeout(() => {}, 60000)"
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
        expect(busy).toBeGreaterThanOrEqual(0.8)
        expect(busy).toBeLessThan(5)
        expect(groupCpuSeconds(idle.pid!)).toBeLessThan(0.5)
        expect(groupCpuSeconds(2 ** 30)).toBe(0)
      } finally {
        killGroup(parent)
        killGroup(idle)
      }
    }, 30_000)
  }
)
