// Builds the maas-images CLI's files for its single executable (build-cli-sea.mjs), in DIR (default out/cli):
//   app/cli.js, app/chunks/*.js  the CLI, CommonJS, split where it loads code lazily, as electron-vite builds
//                                out/main/ (Rollup: zod is tree-shaken to what the schemas use);
//   vendor/<package>.cjs          one bundle per npm package the CLI requires (esbuild), exporting one
//                                function per name it requires, so that two names share one copy of the package;
//   manifest.json                 the entry and which bundle serves which name (read by sea-main.cjs).
// Native modules stay outside (src/main/core/native-module.ts). Run by build-cli-sea.mjs; `npm run build:cli`
// runs it alone. Usage: node packaging/build-cli.mjs [--out DIR]
import { build as esbuild } from 'esbuild'
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { build as viteBuild } from 'vite'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

/** Packages required at run time from node_modules beside the executable, never bundled. */
const NATIVE_PACKAGES = ['@ronomon/direct-io', '@napi-rs/keyring']

/** The package a require name belongs to: `undici/lib/api/index.js` → `undici`. */
const packageOf = (/** @type {string} */ id) =>
  id
    .split('/')
    .slice(0, id.startsWith('@') ? 2 : 1)
    .join('/')
const isBuiltin = (/** @type {string} */ id) => id.startsWith('node:') || builtinModules.includes(id)

/**
 * @param {string} outDir
 * @returns {Promise<{ files: string[] }>} the assets written, relative to outDir (posix)
 */
export async function buildCliFiles(outDir) {
  const appDir = join(outDir, 'app')
  const vendorDir = join(outDir, 'vendor')
  rmSync(appDir, { recursive: true, force: true })
  rmSync(vendorDir, { recursive: true, force: true })
  await viteBuild({
    configFile: false,
    root,
    logLevel: 'warn',
    mode: 'production',
    resolve: { alias: { '@shared': join(root, 'src/shared') } },
    // Every package stays a require() (bundled below, one file each), except zod: as in out/main/
    // (electron.vite.config.ts), Rollup keeps only the parts of it the schemas use.
    ssr: { noExternal: ['zod'] },
    build: {
      ssr: join(root, 'src/main/cli.ts'),
      outDir: appDir,
      emptyOutDir: true,
      target: 'node20',
      minify: false,
      reportCompressedSize: false,
      rollupOptions: {
        onwarn(warning, warn) {
          // zod's sources carry comments for esbuild that Rollup reports and removes; nothing to act on.
          if (warning.code !== 'INVALID_ANNOTATION') warn(warning)
        },
        output: {
          format: 'cjs',
          entryFileNames: '[name].js',
          chunkFileNames: 'chunks/[name]-[hash].js',
          // import('systeminformation') as a require(): the executable has no ES module loader for its assets.
          dynamicImportInCjs: false
        }
      }
    }
  })
  const appFiles = readdirSync(appDir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.js'))
    .map((f) => `app/${f.split('\\').join('/')}`)

  /** @type {Map<string, Set<string>>} package → the names the CLI requires of it */
  const required = new Map()
  for (const f of appFiles) {
    for (const [, id] of readFileSync(join(outDir, f), 'utf8').matchAll(/\brequire\("([^"./][^"]*)"\)/g)) {
      if (isBuiltin(id) || NATIVE_PACKAGES.includes(packageOf(id))) continue
      const names = required.get(packageOf(id)) ?? new Set()
      required.set(packageOf(id), names.add(id))
    }
  }
  /** @type {Record<string, string>} */
  const packages = {}
  for (const [pkg, names] of required) {
    const file = `vendor/${pkg.replace('/', '+')}.cjs`
    const source = `module.exports = {\n${[...names]
      .map((n) => `  ${JSON.stringify(n)}: () => require(${JSON.stringify(n)}),`)
      .join('\n')}\n}\n`
    await esbuild({
      stdin: { contents: source, resolveDir: root, sourcefile: `${pkg}-names.cjs` },
      outfile: join(outDir, file),
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      logLevel: 'warning',
      minifyWhitespace: true,
      minifySyntax: true,
      keepNames: true
    })
    for (const n of names) packages[n] = file
  }
  const manifest = { entry: 'app/cli.js', packages }
  writeFileSync(join(outDir, 'manifest.json'), JSON.stringify(manifest, null, 2))
  return { files: [...appFiles, ...new Set(Object.values(packages))] }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { out: { type: 'string' } } })
  const outDir = resolve(values.out ?? join(root, 'out/cli'))
  const { files } = await buildCliFiles(outDir)
  console.log(`built ${files.length} files of the CLI in ${outDir}`)
}
