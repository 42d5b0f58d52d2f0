/**
 * A medium that stops answering, injected into this process: FileHandle reads fail with an operating-system
 * code (EIO: a stick pulled without unmounting) from the n-th read on. A `stat` that fails is a test's own
 * `vi.mock('node:fs/promises')` (a mock is hoisted into the file that declares it), throwing `systemError`.
 */
import { open } from 'node:fs/promises'

export interface FailingReads {
  /** reads attempted since the failure was injected, failed or not */
  reads(): number
  /** settles when the first read that is to fail has been called */
  failing: Promise<void>
  restore(): void
}

/** An error as node:fs gives one for `code`. */
export function systemError(code: string, syscall: string, path?: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${syscall}${path ? ` '${path}'` : ''}`), { code, syscall, path })
}

/**
 * Every FileHandle read in this process from the `from`-th (1-based) on fails with `code`, until restore().
 * Reads before it run as usual, so a body can be cut in the middle. With `until`, a failing read fails only once
 * that settles: a stick that takes its time to give up.
 */
export async function failReads(
  code: string,
  from = 1,
  until: Promise<void> = Promise.resolve()
): Promise<FailingReads> {
  const probe = await open(process.execPath, 'r')
  const proto = Object.getPrototypeOf(probe) as { read: (...a: unknown[]) => Promise<unknown> }
  await probe.close()
  const original = proto.read
  let reads = 0
  let called = (): void => undefined
  const failing = new Promise<void>((resolve) => (called = resolve))
  proto.read = function (this: unknown, ...args: unknown[]) {
    reads++
    if (reads < from) return original.apply(this, args)
    called()
    return until.then(() => Promise.reject(systemError(code, 'read')))
  }
  return {
    reads: () => reads,
    failing,
    restore: () => void (proto.read = original)
  }
}
