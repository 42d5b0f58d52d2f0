/**
 * V8 settings for the CLI process, applied by its entry before anything else is loaded.
 *
 * The young generation: V8 starts it at 1 MiB per semi-space and doubles it, up to 16 MiB, each time a
 * scavenge finds much of it alive. An import allocates JS objects fast (per socket chunk, per request)
 * and keeps few of them, so the young generation grows to its maximum within the first second and then
 * holds up to 32 MiB of touched pages for the rest of the run, for nothing: with a growth factor of 1 it
 * stays at its initial size. Smaller semi-spaces also mean more frequent scavenges, and a scavenge is
 * what frees the 64 KiB socket-read buffers that die young.
 *
 * ArrayBuffer sweeping inside the collection: by default V8 frees dead ArrayBuffers' memory on a
 * background thread after the collection; on two busy cores that thread waits, and the memory stays
 * resident meanwhile. Freeing ~11,000 64 KiB blocks per 700 MB in the pause costs a few milliseconds.
 * The heap governor (heap-governor.ts) relies on it.
 *
 * Scavenges on the main thread alone (`--no-parallel-scavenge`): the heap governor runs about 300 per 726 MB
 * imported, each of a 1 MiB young generation, too little to split; V8 would start 2-5 tasks on its worker
 * threads for each, and on two busy cores the pause waits for them (docs/performance.md, "Decisions that
 * stand": the pauses of an import add up to about a third less).
 *
 * WebAssembly at its baseline tier only (`--liftoff-only`): the HTTP client's parser (undici's llhttp) is
 * WebAssembly, and V8 re-compiles its hot functions with TurboFan on background threads, whose compile
 * memory stays in their malloc arenas for the rest of the run: about 34 MB in an import with nothing to
 * fetch (115 -> 80 MB peak RSS), 4-12 MB at the peak of a full import (docs/performance.md, "Decisions that
 * stand").
 * Parsing is a fraction of a per cent of an import's CPU (bodies are not scanned), so the slower tier
 * costs nothing measurable.
 *
 * The flags are read when they apply (a young generation about to grow, a collection ending, a WebAssembly
 * module compiled), not only at start-up, so setting them here works (test/main/v8-tuning.test.ts checks
 * each on a real process).
 * Flags are process-wide, worker threads share them; but starting a worker sets the growth factor back
 * to its default for the whole process (Node 20, measured: the main thread's young generation then grows
 * to 32 MiB), so they are set again once each worker runs. See docs/performance.md, "Decisions that stand".
 */
import { setFlagsFromString } from 'node:v8'
import { startHeapGovernor, type HeapGovernor } from './heap-governor'

export const V8_FLAGS = [
  '--semi-space-growth-factor=1',
  '--no-concurrent-array-buffer-sweeping',
  '--liftoff-only',
  '--no-parallel-scavenge'
] as const

function applyFlags(): void {
  for (const flag of V8_FLAGS) setFlagsFromString(flag)
}

export function tuneV8ForCli(): HeapGovernor {
  applyFlags()
  process.on('worker', (worker) => worker.once('online', applyFlags))
  return startHeapGovernor()
}
