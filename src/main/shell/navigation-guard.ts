/**
 * The window never navigates away from the app and never opens new windows. Links the user clicks
 * open in the system browser only when external-links.ts allows them; anything else is dropped.
 */
import type { WebContents } from 'electron'
import { isAllowedExternalUrl } from './external-links'

export function guardNavigation(contents: WebContents, openExternal: (url: string) => Promise<void>): void {
  contents.on('will-navigate', (event) => event.preventDefault())
  contents.on('will-redirect', (event) => event.preventDefault())
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternalUrl(url)) void openExternal(url)
    return { action: 'deny' }
  })
}
