/**
 * Keeps the memory held by dead ArrayBuffers bounded in the CLI process.
 *
 * An import receives its bytes as 64 KiB socket reads, each a fresh ArrayBuffer outside the JS heap
 * (Node's stream code allocates one per read; the HTTP client cannot hand it a reused one). Each dies
 * within milliseconds, but V8 frees it only when a garbage collection finds it dead, and V8 schedules
 * collections by the JS heap's own growth, which is slow here, and by a 64 MiB allowance of external
 * memory. At hundreds of MB/s that allowance is what the process's RSS grows by: the malloc heap reaches
 * it within a second and never shrinks back (freed chunks stay in the heap for reuse).
 *
 * So the CLI looks every few milliseconds (an unref'd timer: it never keeps the process alive), and after
 * every `receivedBytes` received over HTTP (net/receive-meter.ts: one turn of the event loop reads many
 * sockets, and a timer runs only between turns), at the external memory V8 accounts for, and when it has
 * grown by `stepBytes` since the last collection it runs a scavenge, which frees the buffers that died
 * young, in about 0.1 ms. Buffers that lived through two scavenges (a chunk waiting while its batch is
 * written) are in the old generation; when what is left after a scavenge has grown by `majorBytes` since
 * the last full collection, it runs one of those too.
 * The ArrayBuffer sweeper must then run inside the collection (see V8_FLAGS in v8-tuning.ts), or the
 * memory is still counted, and still resident, when the collection returns.
 *
 * The collector is reached through V8's gc extension in a context of its own (the `vm` trick): the
 * process's global object gets no `gc`.
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { onReceived } from '../net/receive-meter'

export interface HeapGovernorOptions {
  /** external memory growth since the last collection that triggers a scavenge */
  stepBytes: number
  /** growth of what survives scavenges, since the last full collection, that triggers one */
  majorBytes: number
  /** how often to look */
  intervalMs: number
  /** look also after each this many bytes received over HTTP */
  receivedBytes: number
}

/**
 * A scavenge costs about 0.5 ms and a full collection about 5 ms here. Full collections at 2 MiB: each
 * halving (8, 4, 2 MiB) left a few MB less peak RSS, with no CPU difference measurable; a look per MiB
 * received, another 2-3 MB less in an unshaped import (docs/performance.md, "Decisions that stand").
 */
export const HEAP_GOVERNOR_DEFAULTS: HeapGovernorOptions = {
  stepBytes: 2 << 20,
  majorBytes: 2 << 20,
  intervalMs: 5,
  receivedBytes: 1 << 20
}

export interface HeapGovernor {
  /** collections it ran, for tests and the benchmark */
  readonly scavenges: number
  readonly fullCollections: number
  stop(): void
}

/**
 * V8's gc extension. Called with no argument it runs a full mark-compact; `{ type: 'minor' }` runs a
 * scavenge. Not `{ type: 'major' }`: in Node 20's V8 (11.3) that runs a scavenge too (--trace-gc says
 * "Scavenge ... testing"), so a full collection asked for that way frees no buffer that was promoted
 * (test/main/v8-tuning.test.ts, buffers that die old).
 */
type GcFunction = (options?: { type: 'minor' }) => void

function collector(): GcFunction {
  setFlagsFromString('--expose-gc')
  try {
    return runInNewContext('gc') as GcFunction
  } finally {
    setFlagsFromString('--no-expose-gc')
  }
}

/** External memory V8 accounts for (ArrayBuffer backing stores included), in bytes. */
function external(): number {
  return getHeapStatistics().external_memory
}

export function startHeapGovernor(options: Partial<HeapGovernorOptions> = {}): HeapGovernor {
  const o = { ...HEAP_GOVERNOR_DEFAULTS, ...options }
  const gc = collector()
  let scavenges = 0
  let fullCollections = 0
  // External memory after the last scavenge, and after the last full collection.
  let floor = external()
  let fullFloor = floor
  const look = (): void => {
    const now = external()
    if (now < floor) floor = now
    if (now - floor < o.stepBytes) return
    gc({ type: 'minor' })
    scavenges++
    floor = external()
    if (floor < fullFloor) fullFloor = floor
    if (floor - fullFloor >= o.majorBytes) {
      gc()
      fullCollections++
      floor = fullFloor = external()
    }
  }
  const timer = setInterval(look, o.intervalMs)
  timer.unref()
  const unhook = onReceived(o.receivedBytes, look)
  return {
    get scavenges() {
      return scavenges
    },
    get fullCollections() {
      return fullCollections
    },
    stop: () => {
      clearInterval(timer)
      unhook()
    }
  }
}
