import { describe, expect, it } from 'vitest'
import { mainWindowOptions } from '../../src/main/shell/window-options'

describe('main window options', () => {
  const prefs = mainWindowOptions('/app/preload.js').webPreferences!

  it('isolates and sandboxes the renderer', () => {
    expect(prefs.contextIsolation).toBe(true)
    expect(prefs.nodeIntegration).toBe(false)
    expect(prefs.sandbox).toBe(true)
    expect(prefs.nodeIntegrationInWorker).toBe(false)
    expect(prefs.nodeIntegrationInSubFrames).toBe(false)
    expect(prefs.webviewTag).toBe(false)
    expect(prefs.webSecurity).toBe(true)
    expect(prefs.allowRunningInsecureContent).toBe(false)
  })

  it('loads the bundled preload', () => {
    expect(prefs.preload).toBe('/app/preload.js')
  })
})
