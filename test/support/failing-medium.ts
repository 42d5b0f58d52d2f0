/**
 * A medium that fails, injected into this process: FileHandle reads fail with an operating-system
 * code (EIO: a stick pulled without unmounting) from the n-th read on (failReads), or never return (hangReads:
 * a stick that stops answering). A `stat` that fails is a test's own `vi.mock('node:fs/promises')` (a mock is
 * hoisted into the file that declares it), throwing `systemError`.
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

export interface HangingReads {
  /** reads attempted since the hang was injected, hung or not */
  reads(): number
  /** settles when the first read that hangs has been called */
  hanging: Promise<void>
  /** the buffers handed to reads that hang */
  held: Buffer[]
  /** the buffers handed to reads let through */
  passed: Buffer[]
  /** reads from now on run as usual; those already hung still wait for answerLate() */
  stopHanging(): void
  /** the hung reads return now, having written 0xEE over what they were given: a medium that answers late */
  answerLate(): void
  /** answers late, and puts FileHandle's read and close back */
  restore(): void
}

/**
 * A medium that stops answering, injected into this process: every FileHandle read from the `from`-th (1-based)
 * on never returns (until answerLate). As with a real hung read, closing the handle waits for it: Node's
 * FileHandle.close waits until the calls in flight on the handle have returned.
 */
export async function hangReads(from = 1): Promise<HangingReads> {
  const probe = await open(process.execPath, 'r')
  const proto = Object.getPrototypeOf(probe) as {
    read: (...a: unknown[]) => Promise<unknown>
    close: (...a: unknown[]) => Promise<void>
  }
  await probe.close()
  const { read, close } = proto
  let reads = 0
  let hangs = true
  let called = (): void => undefined
  const hanging = new Promise<void>((resolve) => (called = resolve))
  const held: Buffer[] = []
  const passed: Buffer[] = []
  const late: Array<() => void> = []
  const waiting = new Map<object, Promise<unknown>[]>()
  proto.read = function (this: object, ...args: unknown[]) {
    reads++
    const [buf, offset = 0, length] = args as [Buffer, number?, number?]
    if (reads < from || !hangs) {
      if (Buffer.isBuffer(buf)) passed.push(buf)
      return read.apply(this, args)
    }
    held.push(buf)
    called()
    const answer = new Promise<{ bytesRead: number; buffer: Buffer }>((resolve) =>
      late.push(() => {
        const n = length ?? buf.length - offset
        buf.fill(0xee, offset, offset + n)
        resolve({ bytesRead: n, buffer: buf })
      })
    )
    waiting.set(this, [...(waiting.get(this) ?? []), answer])
    return answer
  }
  proto.close = function (this: object, ...args: unknown[]) {
    const pending = waiting.get(this) ?? []
    return Promise.all(pending).then(() => close.apply(this, args))
  }
  const answerLate = (): void => late.splice(0).forEach((a) => a())
  return {
    reads: () => reads,
    hanging,
    held,
    passed,
    stopHanging: () => void (hangs = false),
    answerLate,
    restore: () => {
      answerLate()
      proto.read = read
      proto.close = close
    }
  }
}
