/**
 * The application menu: the usual roles (so copy/paste work in fields and zoom works), and
 * Help → About with the version and the licences. A pure template so a test checks the roles.
 */
import type { MenuItemConstructorOptions } from 'electron'

export interface MenuDeps {
  platform: NodeJS.Platform
  devTools: boolean
  showAbout(): void
  openLicences(): void
}

export function appMenuTemplate(deps: MenuDeps): MenuItemConstructorOptions[] {
  const mac = deps.platform === 'darwin'
  const about: MenuItemConstructorOptions = { label: 'About MAAS Images', click: () => deps.showAbout() }
  const view: MenuItemConstructorOptions[] = [
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' }
  ]
  if (deps.devTools) view.push({ type: 'separator' }, { role: 'reload' }, { role: 'toggleDevTools' })
  return [
    ...(mac
      ? [
          {
            label: 'MAAS Images',
            submenu: [
              about,
              { type: 'separator' },
              { role: 'hide' },
              { role: 'hideOthers' },
              { role: 'unhide' },
              { type: 'separator' },
              { role: 'quit' }
            ]
          } satisfies MenuItemConstructorOptions
        ]
      : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    { label: 'View', submenu: view },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [...(mac ? [] : [about]), { label: 'Licences', click: () => deps.openLicences() }]
    }
  ]
}

/** The About text: version, runtime versions and where the licences are. */
export function aboutDetail(v: {
  version: string
  electron: string
  chrome: string
  node: string
  licencesPath: string
}): string {
  return [
    `Version ${v.version}`,
    `Electron ${v.electron}, Chromium ${v.chrome}, Node.js ${v.node}`,
    '',
    'MAAS Images is free software under the GNU Affero General Public License v3.0 only (AGPL-3.0-only).',
    `The licences of Electron, Chromium and the bundled libraries are in ${v.licencesPath}.`
  ].join('\n')
}
