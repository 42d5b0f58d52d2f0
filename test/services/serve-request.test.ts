/**
 * startServing is one request for the app's Serve switch and the CLI's `serve`: a boot source's cache or a
 * staged directory, never both. In the app a directory must be one the user chose in main's folder dialog,
 * so the renderer cannot have main serve an arbitrary path; the CLI's user typed it themselves.
 */
import { describe, expect, it } from 'vitest'
import { useHostServices } from '../support/host-services'

const host = useHostServices('maas-images-serve-req-')

describe('startServing', () => {
  it('takes a boot source or a staged directory, not both and not neither', async () => {
    const main = await host.open('cli')
    for (const arg of [{}, { boot_source_id: 1, dir: host.stick }]) {
      await expect(main.request('startServing', arg)).rejects.toMatchObject({
        code: 'invalid_argument',
        message: expect.stringContaining('give a boot source or a staged directory to serve, not both')
      })
    }
    await expect(
      main.request('startServing', { dir: host.stick, lan: true, bind: '::1', port: 0 })
    ).rejects.toMatchObject({
      code: 'invalid_argument'
    })
  })

  it('in the app, serves only a directory the user picked in main’s dialog', async () => {
    const main = await host.open('app', [host.stick])
    await expect(main.request('startServing', { dir: host.stick })).rejects.toMatchObject({
      code: 'invalid_argument',
      message: `choose the directory to serve with the folder picker: ${host.stick}`
    })
    expect((await main.request('getServingStatus', undefined)).serving).toBe(false)
    expect(await main.request('pickDirectory', undefined)).toEqual({ path: host.stick })
    const status = await main.request('startServing', { dir: host.stick, port: 0 })
    expect(status).toMatchObject({ serving: true, address: '127.0.0.1', boot_source_id: null })
    expect(status.label).toContain(host.stick)
    expect((await main.request('stopServing', undefined)).serving).toBe(false)
  })

  it('from the CLI, serves the directory its user typed', async () => {
    const main = await host.open('cli')
    const status = await main.request('startServing', { dir: host.stick, port: 0, bind: '127.0.0.1' })
    expect(status).toMatchObject({
      serving: true,
      address: '127.0.0.1',
      label: expect.stringContaining(host.stick)
    })
    expect((await main.request('stopServing', undefined)).serving).toBe(false)
  })
})
