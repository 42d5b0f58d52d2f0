/**
 * The services layer's one entry for every front end: a per-call AbortSignal, cancelRequest by a
 * caller-chosen id, scoped per caller, and the CLI's outside signal.
 */
import { describe, expect, it, vi } from 'vitest'
import { handleRequest, InFlightRequests, unwrap } from '../../src/main/services/handle-request'
import { requestNames, type RequestContext, type RequestHandlers } from '@shared/ipc-contract'
import { AppError } from '@shared/errors'

function handlers(overrides: Partial<RequestHandlers> = {}): RequestHandlers {
  const base = Object.fromEntries(
    requestNames.map((n) => [n, vi.fn(async () => null)])
  ) as unknown as RequestHandlers
  return {
    ...base,
    cancelRequest: async ({ id }, call) => ({ cancelled: call?.cancel(id) ?? false }),
    ...overrides
  }
}

/** A long handler that only ends when its signal aborts, the way a fetch does. */
function untilAborted(seen: { signal?: AbortSignal }) {
  return (_arg: unknown, call?: RequestContext) =>
    new Promise<never>((_resolve, reject) => {
      seen.signal = call!.signal
      call!.signal.addEventListener('abort', () => reject(new Error('The operation was aborted')), {
        once: true
      })
    })
}

describe('handleRequest', () => {
  it('a cancelled request ends promptly with code cancelled, and the id is free again', async () => {
    const seen: { signal?: AbortSignal } = {}
    const h = handlers({ getCatalogue: untilAborted(seen) as RequestHandlers['getCatalogue'] })
    const inFlight = new InFlightRequests()
    const pending = handleRequest(
      h,
      'getCatalogue',
      { boot_source_id: 1, refresh: true },
      {
        requestId: 'refresh-1',
        inFlight
      }
    )
    await vi.waitFor(() => expect(seen.signal).toBeDefined())
    expect(inFlight.size).toBe(1)
    // The handler never settles by itself: without the cancel this would wait for the test's timeout.
    expect(await handleRequest(h, 'cancelRequest', { id: 'refresh-1' }, { inFlight })).toEqual({
      ok: true,
      value: { cancelled: true }
    })
    expect(await pending).toEqual({
      ok: false,
      error: { code: 'cancelled', message: 'getCatalogue cancelled' }
    })
    expect(seen.signal!.aborted).toBe(true)
    expect(inFlight.size).toBe(0)
    expect(await handleRequest(h, 'cancelRequest', { id: 'refresh-1' }, { inFlight })).toEqual({
      ok: true,
      value: { cancelled: false }
    })
  })

  it('a caller cannot cancel another caller’s request', async () => {
    const seen: { signal?: AbortSignal } = {}
    const h = handlers({ verifyMirror: untilAborted(seen) as RequestHandlers['verifyMirror'] })
    const mine = new InFlightRequests()
    const theirs = new InFlightRequests()
    const pending = handleRequest(h, 'verifyMirror', { location: '/m' }, { requestId: 'v', inFlight: mine })
    await vi.waitFor(() => expect(seen.signal).toBeDefined())
    expect(await handleRequest(h, 'cancelRequest', { id: 'v' }, { inFlight: theirs })).toEqual({
      ok: true,
      value: { cancelled: false }
    })
    expect(seen.signal!.aborted).toBe(false)
    mine.cancelAll()
    expect(await pending).toMatchObject({ ok: false, error: { code: 'cancelled' } })
  })

  it('an id already in flight is refused without running the handler twice', async () => {
    const seen: { signal?: AbortSignal } = {}
    const long = vi.fn(untilAborted(seen))
    const h = handlers({ planStaging: long as unknown as RequestHandlers['planStaging'] })
    const inFlight = new InFlightRequests()
    const arg = { boot_source_id: 1, target: '/media/stick' }
    const first = handleRequest(h, 'planStaging', arg, { requestId: 'p', inFlight })
    const second = await handleRequest(h, 'planStaging', arg, { requestId: 'p', inFlight })
    expect(second).toEqual({
      ok: false,
      error: { code: 'conflict', message: 'request id p is already in flight' }
    })
    expect(long).toHaveBeenCalledTimes(1)
    inFlight.cancelAll()
    expect(await first).toMatchObject({ ok: false, error: { code: 'cancelled' } })
  })

  it('refuses a request id that is not a short plain string, before the handler runs', async () => {
    const h = handlers()
    const r = await handleRequest(h, 'listBootSources', undefined, {
      requestId: 'a/b\n',
      inFlight: new InFlightRequests()
    })
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_argument' } })
    expect(h.listBootSources).not.toHaveBeenCalled()
  })

  it('an outside signal (the CLI’s Ctrl-C) cancels the call it runs', async () => {
    const seen: { signal?: AbortSignal } = {}
    const h = handlers({ runImport: untilAborted(seen) as RequestHandlers['runImport'] })
    const ctrlC = new AbortController()
    const pending = handleRequest(h, 'runImport', undefined, { signal: ctrlC.signal })
    await vi.waitFor(() => expect(seen.signal).toBeDefined())
    ctrlC.abort()
    expect(await pending).toMatchObject({ ok: false, error: { code: 'cancelled' } })
  })

  it('a handler that resolves after the abort keeps its value (verify reports what it checked)', async () => {
    const h = handlers({
      verifyMirror: async (_a, call) => {
        await new Promise((r) => call!.signal.addEventListener('abort', r, { once: true }))
        return { location: '/m', ok: false, files: [], problems: ['verify of /m cancelled'] }
      }
    })
    const inFlight = new InFlightRequests()
    const pending = handleRequest(h, 'verifyMirror', { location: '/m' }, { requestId: 'v', inFlight })
    await vi.waitFor(() => expect(inFlight.size).toBe(1))
    inFlight.cancel('v')
    expect(await pending).toMatchObject({ ok: true, value: { problems: ['verify of /m cancelled'] } })
  })

  it('unwrap turns a wire error back into an AppError with its code', () => {
    expect(unwrap({ ok: true, value: 3 })).toBe(3)
    try {
      unwrap({ ok: false, error: { code: 'not_found', message: 'boot source 4 does not exist' } })
      expect.unreachable()
    } catch (err) {
      expect(err).toBeInstanceOf(AppError)
      expect(err).toMatchObject({ code: 'not_found', message: 'boot source 4 does not exist' })
    }
  })
})
