// Bundles the maas-images CLI into one self-contained CommonJS file, out/cli/maas-images.cjs.
// Packages ship it (extraResources → <resources>/cli/) because the packaged app cannot run it:
// the RunAsNode fuse is off and app.asar is not readable by a plain `node`. Run by `npm run dist`.
import { build } from 'esbuild'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

/** @type {import('esbuild').BuildOptions & { outfile: string }} */
export const cliBuildOptions = {
  entryPoints: [join(root, 'src/main/cli.ts')],
  outfile: join(root, 'out/cli/maas-images.cjs'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  logLevel: 'warning',
  // A native module cannot be bundled: it is loaded from node_modules next to the bundle, which the
  // packages ship (electron-builder.config.mjs, extraResources), and without it proxy passwords stay in
  // settings.json (src/main/core/system-keyring.ts).
  external: ['@napi-rs/keyring'],
  // openpgp's ESM build calls createRequire(import.meta.url), which is empty in CommonJS output.
  define: { 'import.meta.url': '__cliModuleUrl' },
  banner: { js: "const __cliModuleUrl = require('node:url').pathToFileURL(__filename).href;" }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await build(cliBuildOptions)
  console.log(`built ${cliBuildOptions.outfile}`)
}
