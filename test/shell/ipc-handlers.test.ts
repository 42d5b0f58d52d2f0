import { describe, expect, it, vi } from 'vitest'
import type { IpcMain, IpcMainInvokeEvent } from 'electron'
import { isTrustedSender, registerIpcHandlers } from '../../src/main/shell/ipc-handlers'
import { handleRequest } from '../../src/main/services/handle-request'
import { requestChannel, requestNames, type RequestHandlers } from '@shared/ipc-contract'
import { AppError } from '@shared/errors'

function fakeServices(overrides: Partial<RequestHandlers> = {}): RequestHandlers {
  const base = Object.fromEntries(
    requestNames.map((n) => [n, vi.fn(async () => null)])
  ) as unknown as RequestHandlers
  return { ...base, ...overrides }
}

describe('IPC handlers', () => {
  it('registers exactly one handler per request', () => {
    const handle = vi.fn()
    registerIpcHandlers({ handle, removeHandler: vi.fn() } as unknown as IpcMain, fakeServices(), () => true)
    expect(handle.mock.calls.map((c) => c[0]).sort()).toEqual(requestNames.map(requestChannel).sort())
  })

  it('refuses a sender that is not the app main frame, without calling the service', async () => {
    const handle = vi.fn()
    const services = fakeServices()
    registerIpcHandlers({ handle, removeHandler: vi.fn() } as unknown as IpcMain, services, () => false)
    const handler = handle.mock.calls.find((c) => c[0] === requestChannel('deleteBootSource'))![1]
    const result = await handler({} as IpcMainInvokeEvent, { id: 1 })
    expect(result).toEqual({
      ok: false,
      error: { code: 'forbidden_sender', message: expect.stringMatching(/sender/) }
    })
    expect(services.deleteBootSource).not.toHaveBeenCalled()
  })

  it('validates arguments with the schema before the service runs', async () => {
    const services = fakeServices()
    const bad = await handleRequest(services, 'deleteBootSource', { id: -3 })
    expect(bad.ok).toBe(false)
    expect(!bad.ok && bad.error.code).toBe('invalid_argument')
    const extra = await handleRequest(services, 'deleteBootSource', { id: 1, evil: true })
    expect(!extra.ok && extra.error.code).toBe('invalid_argument')
    const notHttps = await handleRequest(services, 'openExternal', { url: 'file:///etc/passwd' })
    expect(!notHttps.ok && notHttps.error.message).toMatch(/https/)
    expect(services.deleteBootSource).not.toHaveBeenCalled()
    expect(services.openExternal).not.toHaveBeenCalled()
  })

  it('refuses unknown request names', async () => {
    const result = await handleRequest(fakeServices(), '__proto__', undefined)
    expect(result).toEqual({
      ok: false,
      error: { code: 'invalid_argument', message: 'unknown request __proto__' }
    })
  })

  it('sends errors as {code, message} only, never a stack', async () => {
    const services = fakeServices({
      getBootSource: async () => {
        throw new AppError('not_found', 'boot source 4 does not exist')
      },
      listBootSources: async () => {
        throw new TypeError('boom')
      }
    })
    const a = await handleRequest(services, 'getBootSource', { id: 4 })
    expect(a).toEqual({ ok: false, error: { code: 'not_found', message: 'boot source 4 does not exist' } })
    const b = await handleRequest(services, 'listBootSources', undefined)
    expect(b).toEqual({ ok: false, error: { code: 'internal', message: 'boom' } })
    expect(JSON.stringify(b)).not.toMatch(/at .*\.ts/)
  })

  it('trusts only the top frame of our own window showing the app page', () => {
    const mainFrame = { url: 'file:///app/out/renderer/index.html#/images' }
    const ours = { mainFrame }
    const isOurs = (c: unknown) => c === ours
    const isApp = (u: string) => u.startsWith('file:///app/out/renderer/index.html')
    const ev = (sender: unknown, senderFrame: unknown) =>
      ({ sender, senderFrame }) as unknown as IpcMainInvokeEvent
    expect(isTrustedSender(ev(ours, mainFrame), isOurs, isApp)).toBe(true)
    expect(isTrustedSender(ev(ours, { url: mainFrame.url }), isOurs, isApp)).toBe(false) // a subframe
    expect(isTrustedSender(ev({ mainFrame }, mainFrame), isOurs, isApp)).toBe(false) // another webContents
    const evil = { url: 'https://evil.example/' }
    expect(isTrustedSender(ev({ mainFrame: evil }, evil), () => true, isApp)).toBe(false)
    expect(isTrustedSender(ev(ours, null), isOurs, isApp)).toBe(false)
  })
})
