/**
 * Loads one of the CLI's and app's native modules (@ronomon/direct-io, @napi-rs/keyring), which no bundle can
 * contain.
 *
 * In the CLI's single executable (packaging/build-cli-sea.mjs) they ship in the node_modules beside it, and
 * are required from there by absolute path: Node's resolution by name would also search node_modules in
 * every parent folder, up to the root (C:\node_modules, which any Windows user may create), and load what
 * another user planted there into this user's process. Elsewhere (the app, node out/main/cli.js, the tests)
 * they resolve by name from this module's location, as installed by npm or electron-builder.
 */
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { isSea } from 'node:sea'

export function requireNative(name: string): unknown {
  const require = createRequire(import.meta.url)
  if (isSea()) return require(join(dirname(process.execPath), 'node_modules', name))
  return require(name)
}
