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
  // Native modules cannot be bundled: they are required at run time from cli/node_modules, which the packages
  // ship beside the bundle (electron-builder.config.mjs, extraResources). Without @ronomon/direct-io the
  // read-back says "cache"; without @napi-rs/keyring proxy passwords stay in settings.json.
  external: ['@ronomon/direct-io', '@napi-rs/keyring'],
  // openpgp's ESM build calls createRequire(import.meta.url), which is empty in CommonJS output.
  define: { 'import.meta.url': '__cliModuleUrl' },
  banner: { js: "const __cliModuleUrl = require('node:url').pathToFileURL(__filename).href;" }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await build(cliBuildOptions)
  console.log(`built ${cliBuildOptions.outfile}`)
}
