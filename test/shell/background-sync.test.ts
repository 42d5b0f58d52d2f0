/**
 * The hourly sync outliving the window (src/main/shell/background-sync.ts): with automatic sync on and a tray,
 * closing the last window keeps the app in the tray (Open, Sync now, a progress line, Quit) and says so once;
 * with the sync off, or no tray to come back through, the app quits with the window, and where there is no tray
 * the first close asks, saying the sync stops with the window. And how a tray is detected on Linux.
 */
import { describe, expect, it, vi } from 'vitest'
import type { ImportProgress } from '@shared/types'
import { AppEvents } from '../../src/main/services/events'
import {
  BackgroundSync,
  NO_TRAY_MESSAGE,
  TRAY_NOTE,
  progressLine,
  trayAvailable,
  type BackgroundSyncDeps,
  type Notice,
  type TrayMenuItem
} from '../../src/main/shell/background-sync'
import { statusNotifierWatcher } from '../../src/main/shell/status-notifier'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

function setup(opts: { autoSync?: boolean; tray?: boolean; keepOpen?: boolean } = {}) {
  const shown = new Set<Notice>()
  const trays: Array<{ menu: TrayMenuItem[]; toolTip: string; destroyed: boolean }> = []
  const deps = {
    autoSyncOn: vi.fn(async () => opts.autoSync ?? true),
    trayAvailable: vi.fn(async () => opts.tray ?? true),
    createTray: vi.fn(() => {
      const t = { menu: [] as TrayMenuItem[], toolTip: '', destroyed: false }
      trays.push(t)
      return {
        setMenu: (items: TrayMenuItem[]) => (t.menu = items),
        setToolTip: (text: string) => (t.toolTip = text),
        destroy: () => (t.destroyed = true)
      }
    }),
    notify: vi.fn(),
    confirmCloseWithoutTray: vi.fn(async () => !opts.keepOpen),
    noticesShown: vi.fn(async () => new Set(shown)),
    markNoticeShown: vi.fn(async (n: Notice) => void shown.add(n)),
    openWindow: vi.fn(),
    syncNow: vi.fn(),
    quit: vi.fn()
  } satisfies BackgroundSyncDeps
  const events = new AppEvents()
  const sync = new BackgroundSync(deps, events)
  const item = (label: string | RegExp) =>
    trays[0].menu.find((i) => (typeof label === 'string' ? i.label === label : label.test(i.label)))!
  return { deps, events, sync, trays, item }
}

const downloading = (done: number, total: number): ImportProgress => ({
  importing: true,
  phase: 'downloading',
  bytes_done: done,
  bytes_total: total,
  rate: 0,
  eta: null,
  files_done: 0,
  files_total: 3,
  resources: []
})

describe('closing the last window', () => {
  it('keeps the app in the tray while automatic sync is on, with Open, Sync now, progress and Quit', async () => {
    const { deps, sync, trays, item } = setup()
    expect(await sync.windowsClosed()).toBe('tray')
    expect(deps.quit).not.toHaveBeenCalled()
    expect(trays).toHaveLength(1)
    expect(trays[0].menu.map((i) => [i.label, i.enabled])).toEqual([
      ['Open MAAS Images', true],
      ['Sync now', true],
      ['No import running', false],
      ['Quit', true]
    ])
    item('Open MAAS Images').click!()
    expect(deps.openWindow).toHaveBeenCalledTimes(1)
    item('Sync now').click!()
    expect(deps.syncNow).toHaveBeenCalledTimes(1)
    item('Quit').click!()
    expect(deps.quit).toHaveBeenCalledTimes(1)
  })

  it('says the first time, and only then, that the sync goes on in the background', async () => {
    const { deps, sync, trays } = setup()
    await sync.windowsClosed()
    await sync.windowsClosed()
    expect(deps.notify).toHaveBeenCalledTimes(1)
    expect(deps.notify).toHaveBeenCalledWith(TRAY_NOTE)
    expect(trays).toHaveLength(1)
  })

  it('quits with the window when automatic sync is off', async () => {
    const { deps, sync, trays } = setup({ autoSync: false })
    expect(await sync.windowsClosed()).toBe('quit')
    expect(deps.quit).toHaveBeenCalledTimes(1)
    expect(trays).toHaveLength(0)
    expect(deps.notify).not.toHaveBeenCalled()
  })

  it('quits with the window where there is no tray, after asking once and saying the sync stops', async () => {
    const { deps, sync, trays } = setup({ tray: false })
    expect(await sync.windowClosing()).toBe(true)
    expect(deps.confirmCloseWithoutTray).toHaveBeenCalledWith(NO_TRAY_MESSAGE)
    expect(NO_TRAY_MESSAGE).toContain('sync stops when the window closes')
    expect(NO_TRAY_MESSAGE).toContain('maas-images boot-resources import')
    expect(await sync.windowsClosed()).toBe('quit')
    expect(trays).toHaveLength(0)
    expect(await sync.windowClosing()).toBe(true)
    expect(deps.confirmCloseWithoutTray).toHaveBeenCalledTimes(1)
  })

  it('keeps the window open when the admin says so at that question', async () => {
    const { sync } = setup({ tray: false, keepOpen: true })
    expect(await sync.windowClosing()).toBe(false)
  })

  it('asks nothing before closing where there is a tray, or the sync is off', async () => {
    for (const opts of [{ tray: true }, { tray: false, autoSync: false }]) {
      const { deps, sync } = setup(opts)
      expect(await sync.windowClosing()).toBe(true)
      expect(deps.confirmCloseWithoutTray).not.toHaveBeenCalled()
    }
  })
})

describe('started at login (--background)', () => {
  it('goes straight to the tray, without a window or a notification, while automatic sync is on', async () => {
    const { deps, sync, trays } = setup()
    expect(await sync.startInBackground()).toBe('tray')
    expect(trays).toHaveLength(1)
    expect(deps.openWindow).not.toHaveBeenCalled()
    expect(deps.notify).not.toHaveBeenCalled()
  })

  it('opens the window when there is nothing to do unseen: sync off, or no tray', async () => {
    for (const opts of [{ autoSync: false }, { tray: false }]) {
      const { deps, sync, trays } = setup(opts)
      expect(await sync.startInBackground()).toBe('window')
      expect(deps.openWindow).toHaveBeenCalledTimes(1)
      expect(trays).toHaveLength(0)
    }
  })
})

describe('the tray progress line', () => {
  it("follows the import's progress, and Sync now waits while one runs", async () => {
    const { events, sync, item } = setup()
    await sync.windowsClosed()
    events.emit('importProgress', { ...downloading(0, 0), phase: 'metadata' })
    expect(item(/^Importing/).label).toBe('Importing: metadata')
    events.emit('importProgress', downloading(500e6, 2e9))
    expect(item(/^Importing/).label).toMatch(/^Importing: 25% \(500(\.0)? MB of 2(\.0)? GB\)$/)
    expect(item(/^Importing/).enabled).toBe(false)
    expect(item('Sync now').enabled).toBe(false)
    events.emit('importProgress', { ...downloading(0, 0), importing: false, phase: 'idle' })
    expect(item('No import running')).toBeDefined()
    expect(item('Sync now').enabled).toBe(true)
  })

  it('stops following progress and removes the icon at quit', async () => {
    const { events, sync, trays } = setup()
    await sync.windowsClosed()
    sync.dispose()
    expect(trays[0].destroyed).toBe(true)
    events.emit('importProgress', downloading(1, 2))
    expect(trays[0].menu.some((i) => i.label.startsWith('Importing'))).toBe(false)
  })

  it('words an idle, a starting and a downloading import', () => {
    expect(progressLine(undefined)).toBe('No import running')
    expect(progressLine({ ...downloading(0, 0), phase: 'planning' })).toBe('Importing: planning')
  })
})

describe('whether this desktop has a tray', () => {
  it('always on Windows and macOS; on Linux where a StatusNotifier watcher runs, or the desktop is not GNOME', async () => {
    const linux = (watcher: boolean | undefined, desktop: string | undefined) =>
      trayAvailable({ platform: 'linux', statusNotifierWatcher: async () => watcher, currentDesktop: desktop })
    const other = (platform: NodeJS.Platform) =>
      trayAvailable({ platform, statusNotifierWatcher: async () => false, currentDesktop: '' })
    expect(await other('win32')).toBe(true)
    expect(await other('darwin')).toBe(true)
    expect(await linux(true, 'ubuntu:GNOME')).toBe(true)
    expect(await linux(false, 'GNOME')).toBe(false)
    expect(await linux(undefined, 'ubuntu:GNOME')).toBe(false)
    expect(await linux(false, 'KDE')).toBe(true)
    expect(await linux(undefined, undefined)).toBe(true)
  })

  it("reads gdbus's answer, and says undefined when the bus cannot be asked", async () => {
    expect(await statusNotifierWatcher(async () => '(true,)\n')).toBe(true)
    expect(await statusNotifierWatcher(async () => '(false,)\n')).toBe(false)
    expect(await statusNotifierWatcher(async () => 'garbage')).toBeUndefined()
    expect(
      await statusNotifierWatcher(async () => {
        throw Object.assign(new Error('spawn gdbus ENOENT'), { code: 'ENOENT' })
      })
    ).toBeUndefined()
  })

  it.skipIf(process.platform === 'win32')(
    'asks the bus without holding the event loop while gdbus answers',
    async () => {
      // A gdbus that answers only after this process's event loop has run a timer: a synchronous call would
      // wait for it forever (bounded by the 3 s timeout) and then say undefined.
      const dir = mkdtempSync(join(tmpdir(), 'gdbus-'))
      const flag = join(dir, 'loop-ran')
      writeFileSync(
        join(dir, 'gdbus'),
        `#!/bin/sh\nwhile [ ! -e '${flag}' ]; do sleep 0.05; done\necho '(true,)'\n`,
        { mode: 0o755 }
      )
      const path = process.env.PATH
      process.env.PATH = `${dir}:${path}`
      try {
        const answer = statusNotifierWatcher()
        await new Promise((r) => setTimeout(r, 20))
        writeFileSync(flag, '')
        expect(await answer).toBe(true)
      } finally {
        process.env.PATH = path
        rmSync(dir, { recursive: true, force: true })
      }
    }
  )
})
