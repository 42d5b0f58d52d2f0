/**
 * The native open dialogs behind `pickKeyringFile` and `pickDirectory`. Main owns them: the
 * renderer only learns the path the user chose (services/picked-paths.ts remembers it).
 */
import { dialog, type BrowserWindow, type OpenDialogOptions } from 'electron'
import type { PathPicker, PickKind } from '../services/picked-paths'

export function dialogOptions(kind: PickKind, defaultPath: string | undefined): OpenDialogOptions {
  if (kind === 'keyring')
    return {
      title: 'Choose the GPG keyring that signed the stream',
      defaultPath: defaultPath ?? '/usr/share/keyrings',
      properties: ['openFile', 'dontAddToRecent'],
      filters: [
        { name: 'GPG keyrings', extensions: ['gpg', 'pgp', 'asc', 'keyring'] },
        { name: 'All files', extensions: ['*'] }
      ]
    }
  return {
    title: 'Choose a folder',
    defaultPath,
    properties: ['openDirectory', 'createDirectory', 'dontAddToRecent']
  }
}

/** A PathPicker that shows the dialog over the given window (modal) or on its own. */
export function nativePathPicker(window: () => BrowserWindow | undefined): PathPicker {
  return async (kind, defaultPath) => {
    const options = dialogOptions(kind, defaultPath)
    const win = window()
    const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options)
    return result.canceled || result.filePaths.length === 0 ? null : result.filePaths[0]
  }
}
