/**
 * The small desktop pieces of the shell, each a pure function: the background notification (which
 * staging reuses), the application menu, the About text, the pickers' memory and dialog options,
 * and the window options' DevTools switch.
 */
import { describe, expect, it, vi } from 'vitest'
import {
  LONG_STAGING_MS,
  importFinishedNote,
  notifyImportsInBackground,
  notifyInBackground,
  notifyLongTasksInBackground,
  notifyStagingInBackground,
  stagingFinishedNote
} from '../../src/main/shell/notify'
import { AppEvents } from '../../src/main/services/events'
import { aboutDetail, appMenuTemplate } from '../../src/main/shell/app-menu'
import { PickedPaths } from '../../src/main/services/picked-paths'
import { dialogOptions } from '../../src/main/shell/native-pickers'
import { mainWindowOptions } from '../../src/main/shell/window-options'
import type { ImportResult, StageProgress } from '@shared/types'

// native-pickers.ts shows dialogs through electron; only its pure dialogOptions is tested here.
vi.mock('electron', () => ({ dialog: {} }))

const result = (over: Partial<ImportResult> = {}): ImportResult => ({
  ok: true,
  started_at: '2026-01-01T00:00:00Z',
  finished_at: '2026-01-01T00:10:00Z',
  downloaded_bytes: 1,
  failures: [],
  notes: [],
  stopped: false,
  ...over
})

describe('notifyInBackground', () => {
  const deps = (foreground: boolean, supported = true) => ({
    isForeground: () => foreground,
    isSupported: () => supported,
    show: vi.fn()
  })

  it('notifies only when the window is in the background and notifications work', () => {
    const note = { title: 't', body: 'b' }
    const back = deps(false)
    expect(notifyInBackground(back, note)).toBe(true)
    expect(back.show).toHaveBeenCalledWith(note)
    const front = deps(true)
    expect(notifyInBackground(front, note)).toBe(false)
    expect(front.show).not.toHaveBeenCalled()
    const unsupported = deps(false, false)
    expect(notifyInBackground(unsupported, note)).toBe(false)
    expect(unsupported.show).not.toHaveBeenCalled()
  })

  it('notifies each import that finishes while the window is in the background, until unsubscribed', () => {
    const events = new AppEvents()
    let foreground = false
    const show = vi.fn()
    const off = notifyImportsInBackground(events, {
      isForeground: () => foreground,
      isSupported: () => true,
      show
    })
    events.emit('importFinished', result())
    expect(show).toHaveBeenCalledWith({ title: 'Import finished', body: 'The boot resources are synced.' })
    foreground = true
    events.emit('importFinished', result())
    expect(show).toHaveBeenCalledTimes(1)
    foreground = false
    off()
    events.emit('importFinished', result())
    expect(show).toHaveBeenCalledTimes(1)
  })

  it('notifies a staging that ran long and ends in the background, not a short one nor one in the foreground', () => {
    const events = new AppEvents()
    let t = 0
    let foreground = false
    const show = vi.fn()
    const off = notifyStagingInBackground(
      events,
      { isForeground: () => foreground, isSupported: () => true, show },
      { now: () => t }
    )
    const progress: StageProgress = {
      phase: 'copying',
      files_done: 0,
      files_total: 2,
      bytes_done: 0,
      bytes_total: 9,
      rate: 0,
      eta: null
    }
    const done = { ok: true, result: { images: [{}, {}], target: '/media/usb', read_back: 'medium' } as never, error: null }
    // Short: finished 5 s after it started.
    events.emit('stagingProgress', progress)
    t += 5_000
    events.emit('stagingFinished', done)
    expect(show).not.toHaveBeenCalled()
    // Long, in the background: timed from its first progress event, not from the last.
    events.emit('stagingProgress', progress)
    t += LONG_STAGING_MS - 1
    events.emit('stagingProgress', progress)
    t += 1
    events.emit('stagingFinished', done)
    expect(show).toHaveBeenCalledWith({
      title: 'Staging finished',
      body: '2 images onto /media/usb; every file was read back from the drive and verified.'
    })
    // Long, but the window is in front.
    foreground = true
    events.emit('stagingProgress', progress)
    t += LONG_STAGING_MS
    events.emit('stagingFinished', done)
    expect(show).toHaveBeenCalledTimes(1)
    // A failure before any progress (refused at once) is not long.
    foreground = false
    events.emit('stagingFinished', { ok: false, result: null, error: { code: 'no_space', message: 'full' } })
    expect(show).toHaveBeenCalledTimes(1)
    off()
    events.emit('stagingProgress', progress)
    t += LONG_STAGING_MS
    events.emit('stagingFinished', done)
    expect(show).toHaveBeenCalledTimes(1)
  })

  it('words a finished, stopped or failed staging, and the shell subscribes imports and stagings with one call', () => {
    expect(
      stagingFinishedNote({
        ok: false,
        result: null,
        error: { code: 'cancelled', message: 'staging onto /m stopped' }
      })
    ).toEqual({
      title: 'Staging stopped',
      body: 'staging onto /m stopped'
    })
    expect(
      stagingFinishedNote({ ok: false, result: null, error: { code: 'io', message: 'the drive went away' } })
    ).toEqual({
      title: 'Staging failed',
      body: 'the drive went away'
    })
    const events = new AppEvents()
    const show = vi.fn()
    const off = notifyLongTasksInBackground(events, {
      isForeground: () => false,
      isSupported: () => true,
      show
    })
    events.emit('importFinished', result())
    expect(show).toHaveBeenCalledTimes(1)
    off()
    events.emit('importFinished', result())
    expect(show).toHaveBeenCalledTimes(1)
  })

  it('words a finished, failed or stopped import', () => {
    expect(importFinishedNote(result())).toEqual({
      title: 'Import finished',
      body: 'The boot resources are synced.'
    })
    expect(importFinishedNote(result({ stopped: true, ok: false })).title).toBe('Import stopped')
    const failed = result({
      ok: false,
      failures: [
        { code: 'checksum', message: 'noble/amd64 squashfs: sha256 mismatch' },
        { code: 'network', message: 'x' }
      ]
    })
    expect(importFinishedNote(failed)).toEqual({
      title: 'Import failed',
      body: '2 problems; the first: noble/amd64 squashfs: sha256 mismatch'
    })
  })
})

describe('application menu', () => {
  const build = (platform: NodeJS.Platform, devTools = false) =>
    appMenuTemplate({ platform, devTools, showAbout: vi.fn(), openLicences: vi.fn() })

  it('has Edit (copy/paste), View zoom and Help → About and Licences', () => {
    const menu = build('linux')
    expect(menu.map((m) => m.role ?? m.label)).toEqual(['fileMenu', 'editMenu', 'View', 'windowMenu', 'help'])
    const view = menu.find((m) => m.label === 'View')!.submenu as Array<{ role?: string }>
    expect(view.map((i) => i.role)).toEqual(expect.arrayContaining(['zoomIn', 'zoomOut', 'resetZoom']))
    expect(view.map((i) => i.role)).not.toContain('toggleDevTools')
    const help = menu.find((m) => m.role === 'help')!.submenu as Array<{ label?: string }>
    expect(help.map((i) => i.label)).toEqual(['About MAAS Images', 'Licences'])
  })

  it('puts About in the app menu on macOS and DevTools only in development builds', () => {
    const mac = build('darwin')
    expect(mac[0].label).toBe('MAAS Images')
    expect(JSON.stringify(mac[0].submenu)).toContain('About MAAS Images')
    expect(JSON.stringify(build('linux', true))).toContain('toggleDevTools')
  })

  it('says the version and where the licences are in About', () => {
    const text = aboutDetail({
      version: '0.1.0',
      electron: '45.5.0',
      chrome: '142',
      node: '22.20.0',
      licencesPath: '/opt/MAAS Images'
    })
    expect(text).toContain('Version 0.1.0')
    expect(text).toContain('Electron 45.5.0')
    expect(text).toContain('AGPL-3.0-only')
    expect(text).toContain('/opt/MAAS Images')
  })
})

describe('picked paths', () => {
  it('remembers the last pick per kind and knows what the user chose, with bounded memory', () => {
    const picked = new PickedPaths()
    expect(picked.last('keyring')).toBeUndefined()
    picked.remember('keyring', '/a.gpg')
    picked.remember('directory', '/srv/stage')
    picked.remember('keyring', '/b.gpg')
    expect(picked.last('keyring')).toBe('/b.gpg')
    expect(picked.wasPicked('keyring', '/a.gpg')).toBe(true)
    expect(picked.wasPicked('directory', '/a.gpg')).toBe(false)
    expect(picked.wasPicked('directory', '/etc')).toBe(false)
    for (let i = 0; i < 100; i++) picked.remember('directory', `/d${i}`)
    expect(picked.wasPicked('directory', '/srv/stage')).toBe(false)
    expect(picked.wasPicked('directory', '/d99')).toBe(true)
  })

  it('opens a file dialog for the keyring and a folder dialog for directories', () => {
    expect(dialogOptions('keyring', undefined)).toMatchObject({
      defaultPath: '/usr/share/keyrings',
      properties: expect.arrayContaining(['openFile'])
    })
    expect(dialogOptions('directory', '/srv')).toMatchObject({
      defaultPath: '/srv',
      properties: expect.arrayContaining(['openDirectory', 'createDirectory'])
    })
  })
})

describe('window options', () => {
  it('turns DevTools off unless asked, and carries the icon', () => {
    expect(mainWindowOptions('/p.js').webPreferences?.devTools).toBe(false)
    expect(mainWindowOptions('/p.js', { devTools: true }).webPreferences?.devTools).toBe(true)
    expect(mainWindowOptions('/p.js').title).toBe('MAAS Images')
  })
})
