/**
 * A medium that stops answering, injected into this process: FileHandle reads fail with an operating-system
 * code (EIO: a stick pulled without unmounting) from the n-th read on. A `stat` that fails is a test's own
 * `vi.mock('node:fs/promises')` (a mock is hoisted into the file that declares it), throwing `systemError`.
 */
import { open } from 'node:fs/promises'

export interface FailingReads {
  /** reads attempted since the failure was injected, failed or not */
  reads(): number
  restore(): void
}

/** An error as node:fs gives one for `code`. */
export function systemError(code: string, syscall: string, path?: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${syscall}${path ? ` '${path}'` : ''}`), { code, syscall, path })
}

/**
 * Every FileHandle read in this process from the `from`-th (1-based) on fails with `code`, until restore().
 * Reads before it run as usual, so a body can be cut in the middle.
 */
export async function failReads(code: string, from = 1): Promise<FailingReads> {
  const probe = await open(process.execPath, 'r')
  const proto = Object.getPrototypeOf(probe) as { read: (...a: unknown[]) => Promise<unknown> }
  await probe.close()
  const original = proto.read
  let reads = 0
  proto.read = function (this: unknown, ...args: unknown[]) {
    reads++
    if (reads >= from) return Promise.reject(systemError(code, 'read'))
    return original.apply(this, args)
  }
  return {
    reads: () => reads,
    restore: () => void (proto.read = original)
  }
}
