import { beforeEach, describe, expect, it, vi } from 'vitest'
import { requestChannel, requestNames } from '@shared/request-names'

const exposed: Record<string, unknown> = {}
const ipcRenderer = {
  invoke: vi.fn(async () => ({ ok: true, value: [] })),
  on: vi.fn(),
  removeListener: vi.fn()
}

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
  ipcRenderer
}))

describe('preload bridge surface', () => {
  beforeEach(async () => {
    vi.resetModules()
    for (const k of Object.keys(exposed)) delete exposed[k]
    await import('../../src/preload/index')
  })

  it('exposes exactly one global, window.maasImages', () => {
    expect(Object.keys(exposed)).toEqual(['maasImages'])
  })

  it('has one method per request plus on(), and nothing else', () => {
    const api = exposed.maasImages as Record<string, unknown>
    expect(Object.keys(api).sort()).toEqual([...requestNames, 'on'].sort())
    for (const key of Object.keys(api)) expect(typeof api[key]).toBe('function')
    expect(api).not.toHaveProperty('ipcRenderer')
    expect(api).not.toHaveProperty('invoke')
    expect(api).not.toHaveProperty('send')
    expect(Object.isFrozen(api)).toBe(true)
  })

  it('sends a request on its own namespaced channel', async () => {
    const api = exposed.maasImages as { listBootSources(): Promise<unknown> }
    await api.listBootSources()
    expect(ipcRenderer.invoke).toHaveBeenCalledWith(requestChannel('listBootSources'), undefined)
  })

  it('passes a request id (what cancelRequest names) as a string only, and exposes cancelRequest', async () => {
    const api = exposed.maasImages as {
      getCatalogue(a: unknown, o?: unknown): Promise<unknown>
      cancelRequest(a: { id: string }): Promise<unknown>
    }
    await api.getCatalogue({ boot_source_id: 1, refresh: true }, { requestId: 'r1' })
    expect(ipcRenderer.invoke).toHaveBeenLastCalledWith(
      requestChannel('getCatalogue'),
      { boot_source_id: 1, refresh: true },
      'r1'
    )
    await api.getCatalogue({ boot_source_id: 1 }, { requestId: { toString: () => 'x' } })
    expect(ipcRenderer.invoke).toHaveBeenLastCalledWith(requestChannel('getCatalogue'), { boot_source_id: 1 })
    await api.cancelRequest({ id: 'r1' })
    expect(ipcRenderer.invoke).toHaveBeenLastCalledWith(requestChannel('cancelRequest'), { id: 'r1' })
  })

  it('turns wire errors into rejections with code and message', async () => {
    ipcRenderer.invoke.mockResolvedValueOnce({
      ok: false,
      error: { code: 'not_found', message: 'boot source 9 does not exist' }
    } as never)
    const api = exposed.maasImages as { getBootSource(a: { id: number }): Promise<unknown> }
    await expect(api.getBootSource({ id: 9 })).rejects.toMatchObject({
      code: 'not_found',
      message: 'boot source 9 does not exist'
    })
  })

  it('subscriptions strip the IPC event and return an unsubscribe function', () => {
    const api = exposed.maasImages as { on(e: string, cb: (p: unknown) => void): () => void }
    const seen: unknown[] = []
    const off = api.on('importProgress', (p) => seen.push(p))
    const [channel, wrapped] = ipcRenderer.on.mock.calls.at(-1) as unknown as [
      string,
      (e: unknown, p: unknown) => void
    ]
    expect(channel).toBe('maas-images:event:importProgress')
    wrapped({ sender: 'secret' }, { bytes_done: 1 })
    expect(seen).toEqual([{ bytes_done: 1 }])
    off()
    expect(ipcRenderer.removeListener).toHaveBeenCalledWith(channel, wrapped)
    expect(() => api.on('not-an-event', () => {})).toThrow(/unknown event/)
  })
})
