/**
 * "Start at login": the setting reaches the OS through the shell (src/main/shell/login-item.ts): Electron's
 * login items on Windows and macOS, an XDG autostart entry on Linux; updateSettings saves it only once the OS
 * took it, and only where a shell can register it (not the CLI, not the browser-mode host).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { createMainServices } from '../../src/main/services'
import { handleRequest } from '../../src/main/services/handle-request'
import {
  BACKGROUND_ARG,
  autostartEntry,
  autostartPath,
  setStartAtLogin
} from '../../src/main/shell/login-item'
import { KEYRING_SWITCH } from '../../src/main/core/system-keyring'

vi.stubEnv(KEYRING_SWITCH, 'off')
const root = mkdtempSync(join(tmpdir(), 'maas-images-login-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('the login item', () => {
  it('on Linux writes an autostart entry that starts the app in the tray, and removes it', async () => {
    const env = { XDG_CONFIG_HOME: join(root, 'config') }
    const deps = {
      platform: 'linux' as const,
      exec: '/opt/MAAS Images/maas-images-desktop',
      dataDir: '/home/admin/.config/maas-images',
      env,
      setLoginItemSettings: vi.fn()
    }
    const path = autostartPath(env)
    expect(path).toBe(join(root, 'config', 'autostart', 'maas-images.desktop'))
    await setStartAtLogin(true, deps)
    const entry = readFileSync(path, 'utf8')
    expect(entry).toContain('[Desktop Entry]\nType=Application\nName=MAAS Images\n')
    expect(entry).toContain(
      `Exec="/opt/MAAS Images/maas-images-desktop" ${BACKGROUND_ARG} --data-dir /home/admin/.config/maas-images\n`
    )
    expect(statSync(path).mode & 0o777).toBe(0o644)
    expect(deps.setLoginItemSettings).not.toHaveBeenCalled()
    await setStartAtLogin(false, deps)
    expect(existsSync(path)).toBe(false)
    await setStartAtLogin(false, deps) // already off: no error
  })

  it('quotes what the Desktop Entry Specification reserves in an Exec argument', () => {
    const exec = autostartEntry('/a b/"x"$y`z\\w%', ['--data-dir', "/home/o'neil"])
    expect(exec).toContain('Exec="/a b/\\"x\\"\\$y\\`z\\\\w%%" --data-dir "/home/o\'neil"\n')
  })

  it("on Windows and macOS asks Electron's login items, with the same arguments", async () => {
    for (const platform of ['win32', 'darwin'] as const) {
      const setLoginItemSettings = vi.fn()
      const deps = { platform, exec: 'x', dataDir: 'D:\\maas', env: {}, setLoginItemSettings }
      await setStartAtLogin(true, deps)
      await setStartAtLogin(false, deps)
      expect(setLoginItemSettings.mock.calls).toEqual([
        [{ openAtLogin: true, args: [BACKGROUND_ARG, '--data-dir', 'D:\\maas'] }],
        [{ openAtLogin: false, args: [BACKGROUND_ARG, '--data-dir', 'D:\\maas'] }]
      ])
    }
  })
})

describe('updateSettings with start_at_login', () => {
  it('registers the login item first and saves the setting once the OS took it', async () => {
    const startAtLogin = vi.fn(async () => {})
    const dataDir = mkdtempSync(join(root, 'app-'))
    const { services } = await createMainServices({ dataDir, version: '0', host: 'app', startAtLogin })
    const r = await handleRequest(services, 'updateSettings', { start_at_login: true })
    expect(r).toMatchObject({ ok: true, value: { start_at_login: true } })
    expect(startAtLogin).toHaveBeenCalledWith(true)
    expect(JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8'))).toMatchObject({
      start_at_login: true
    })
  })

  it('saves nothing when the OS refuses it, and says why', async () => {
    const startAtLogin = vi.fn(async () => {
      throw new Error('EACCES: permission denied, open ~/.config/autostart/maas-images.desktop')
    })
    const dataDir = mkdtempSync(join(root, 'refused-'))
    const { services } = await createMainServices({ dataDir, version: '0', host: 'app', startAtLogin })
    const r = await handleRequest(services, 'updateSettings', { start_at_login: true, connections: 4 })
    expect(r.ok).toBe(false)
    expect(existsSync(join(dataDir, 'settings.json'))).toBe(false)
  })

  it('is refused where no shell can register a login item (the CLI)', async () => {
    const dataDir = mkdtempSync(join(root, 'cli-'))
    const { services } = await createMainServices({ dataDir, version: '0', host: 'cli' })
    const r = await handleRequest(services, 'updateSettings', { start_at_login: true })
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'invalid_argument', message: 'start at login can only be set from the desktop app' }
    })
    expect(existsSync(join(dataDir, 'settings.json'))).toBe(false)
  })
})
