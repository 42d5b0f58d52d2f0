/**
 * The app needs no web permission (camera, notifications from the page, geolocation, clipboard
 * read, HID, serial, USB, ...): every request and every check is refused. Desktop notifications
 * come from main (notify.ts), not from the page.
 */
import type { Session } from 'electron'

export function denyAllPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  session.setPermissionCheckHandler(() => false)
  session.setDevicePermissionHandler(() => false)
}
