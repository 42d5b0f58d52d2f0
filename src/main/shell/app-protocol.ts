/**
 * Serves the built renderer from `app://maas-images/` instead of file://: a standard, secure
 * origin of its own, so the CSP's 'self', fetch and storage are scoped to the app and no file:
 * privileges are ever granted to the page.
 */
import { protocol, type Session } from 'electron'
import { readFile } from 'node:fs/promises'
import { resolveAppAsset } from './app-asset'
import { APP_SCHEME } from './app-origin'

/** Must run before `app` is ready (Electron's rule for privileged schemes). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true }
    }
  ])
}

/** Binds the handler on a session once it is ready; every refusal answers with a status and no body. */
export function handleAppScheme(session: Session, rendererDir: string): void {
  session.protocol.handle(APP_SCHEME, async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return new Response(null, { status: 405 })
    const asset = resolveAppAsset(request.url, rendererDir)
    if (!asset.ok) return new Response(null, { status: asset.status, statusText: asset.reason })
    try {
      const body = await readFile(asset.file)
      return new Response(request.method === 'HEAD' ? null : body, {
        status: 200,
        headers: { 'content-type': asset.mime, 'x-content-type-options': 'nosniff' }
      })
    } catch {
      return new Response(null, { status: 404 })
    }
  })
}
