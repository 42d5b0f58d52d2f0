/**
 * Runs staging's file copies so that the target is never idle waiting on one file: each file is written
 * (made durable) and then read back, and while one file is read back from the medium the next ones are
 * written. Bounds: at most `writers` files are being written at once and at most `workers` files are
 * between their first byte and their verdict, so memory stays at `workers` x (a file's write buffers + its
 * read-back buffers, two each) whatever the number of files. How many of each a target gets: copy-limits.ts.
 *
 * The first failure stops the rest: nothing new starts, the files in flight are aborted, and the failure is
 * thrown only once every one of them has settled, so the caller never releases the target's lock or the
 * cache's pins under a write that is still running.
 */

export interface PipelineLimits {
  /** files between their first written byte and their read-back's verdict */
  workers: number
  /** files being written (and synced) at the same time */
  writers: number
}

export interface PipelineStep<T, W> {
  /** writes one file until it is durable under its final name */
  write(item: T, signal: AbortSignal): Promise<W>
  /** reads it back and checks it; resolves once the file is staged */
  check(item: T, written: W, signal: AbortSignal): Promise<void>
}

export interface PipelineFailure<T> {
  item: T
  error: unknown
}

/** A counting gate: at most `n` holders at once, waiters served in order. */
function gate(n: number): { enter(): Promise<void>; leave(): void } {
  let free = n
  const waiting: Array<() => void> = []
  return {
    enter: () => {
      if (free > 0) {
        free--
        return Promise.resolve()
      }
      return new Promise<void>((resolve) => waiting.push(resolve))
    },
    leave: () => {
      const next = waiting.shift()
      if (next) next()
      else free++
    }
  }
}

/**
 * Writes and checks every item; resolves when all are checked. Rejects with the first failure as a
 * `PipelineFailure` (the item it happened to, and its error), after every item in flight has settled.
 */
export async function runPipeline<T, W>(
  items: readonly T[],
  step: PipelineStep<T, W>,
  limits: PipelineLimits,
  signal?: AbortSignal
): Promise<void> {
  const stop = new AbortController()
  const inner = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal
  const writing = gate(Math.max(1, limits.writers))
  let failure: PipelineFailure<T> | undefined
  let next = 0
  const worker = async (): Promise<void> => {
    while (!failure && next < items.length) {
      const item = items[next++]
      try {
        inner.throwIfAborted()
        await writing.enter()
        let written: W
        try {
          inner.throwIfAborted()
          written = await step.write(item, inner)
        } finally {
          writing.leave()
        }
        await step.check(item, written, inner)
      } catch (error) {
        // Only the first failure is the cause; the others are the abort it set off.
        if (!failure) {
          failure = { item, error }
          stop.abort()
        }
      }
    }
  }
  const count = Math.max(1, Math.min(limits.workers, items.length))
  await Promise.all(Array.from({ length: count }, worker))
  if (failure) throw failure
}
