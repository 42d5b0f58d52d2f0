/**
 * Staging's copy pipeline (src/main/stage/copy-pipeline.ts): files are written while earlier ones are read
 * back, within the bounds on writes and on files in flight; the first failure stops the rest and is thrown only
 * once every file in flight has settled (the lock must never be released under a running write); a cancel
 * reaches the files in flight.
 */
import { describe, expect, it } from 'vitest'
import { runPipeline, type PipelineStep } from '../../src/main/stage/copy-pipeline'

/** Lets the other workers run: a few turns of the event loop, never a timer. */
async function turns(n = 3): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise<void>((r) => setImmediate(r))
}

/** A step that records what runs when; `failWrite` makes that item's write fail. */
function recorder(opts: { failWrite?: number } = {}) {
  const log: string[] = []
  let writing = 0
  let inFlight = 0
  const peak = { writing: 0, inFlight: 0, writesDuringCheck: 0 }
  let checking = 0
  const running = new Set<number>()
  const step: PipelineStep<number, number> = {
    async write(i, signal) {
      running.add(i)
      inFlight++
      writing++
      peak.inFlight = Math.max(peak.inFlight, inFlight)
      peak.writing = Math.max(peak.writing, writing)
      if (checking > 0) peak.writesDuringCheck++
      log.push(`write ${i}`)
      try {
        for (let t = 0; t < 4; t++) {
          await turns()
          if (i === opts.failWrite) throw new Error(`disk said no to ${i}`)
          signal.throwIfAborted()
        }
        return i * 10
      } catch (err) {
        inFlight--
        running.delete(i)
        throw err
      } finally {
        writing--
      }
    },
    async check(i, written, signal) {
      checking++
      try {
        expect(written).toBe(i * 10)
        // A check outlasts a write: a file that is not overlapped would show as a write-free check.
        for (let t = 0; t < 10; t++) {
          await turns()
          signal.throwIfAborted()
        }
        log.push(`checked ${i}`)
      } finally {
        checking--
        inFlight--
        running.delete(i)
      }
    }
  }
  return { step, log, peak, running }
}

describe('the staging copy pipeline', () => {
  it('writes the next files while earlier ones are read back, two writes and three files at most', async () => {
    const r = recorder()
    const items = [0, 1, 2, 3, 4, 5, 6, 7]
    await runPipeline(items, r.step, { workers: 3, writers: 2 })
    expect(r.log.filter((l) => l.startsWith('checked')).sort()).toEqual(
      items.map((i) => `checked ${i}`).sort()
    )
    expect(r.peak.writing).toBe(2)
    expect(r.peak.inFlight).toBe(3)
    expect(r.peak.writesDuringCheck).toBeGreaterThan(0)
  })

  it('one file at a time when asked (the products documents and the index keep their order)', async () => {
    const r = recorder()
    await runPipeline([0, 1, 2], r.step, { workers: 1, writers: 1 })
    expect(r.log).toEqual(['write 0', 'checked 0', 'write 1', 'checked 1', 'write 2', 'checked 2'])
    expect(r.peak.writesDuringCheck).toBe(0)
  })

  it('throws the first failure, naming its item, only after every file in flight has settled', async () => {
    const r = recorder({ failWrite: 3 })
    const items = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
    const err = await runPipeline(items, r.step, { workers: 3, writers: 2 }).catch((e: unknown) => e)
    expect(err).toMatchObject({ item: 3, error: { message: 'disk said no to 3' } })
    // Nothing still running when the caller gets the error, and nothing new was started after it.
    expect([...r.running]).toEqual([])
    expect(r.log).not.toContain('write 9')
  })

  it('a cancel reaches the files in flight and ends it as the cancel', async () => {
    const r = recorder()
    const stop = new AbortController()
    const items = [0, 1, 2, 3, 4, 5]
    const run = runPipeline(items, r.step, { workers: 3, writers: 2 }, stop.signal)
    await turns(6)
    stop.abort()
    const err = await run.catch((e: unknown) => e)
    expect(err).toMatchObject({ error: { name: 'AbortError' } })
    expect([...r.running]).toEqual([])
    expect(r.log.filter((l) => l.startsWith('checked')).length).toBeLessThan(items.length)
  })
})
