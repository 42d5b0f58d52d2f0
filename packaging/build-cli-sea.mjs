// Builds the maas-images CLI as a Node single-executable application (SEA) for this machine's OS and
// architecture: out/cli/maas-images (maas-images.exe on Windows). It needs no Node.js on the target: the CLI's
// files (build-cli.mjs) are injected as assets, with a small main script that loads them (sea-main.cjs), into a
// copy of the node that runs this script, with postject.
//
// Native modules cannot be inside the executable. They are required by absolute path from the executable's
// folder (process.execPath, symlinks resolved: src/main/core/native-module.ts), so they are copied to
// out/cli/node_modules beside it; the packages ship the same folder (electron-builder.config.mjs).
// Without them the CLI still works: the read-back says "cache", proxy passwords stay in settings.json.
//
// Run by `npm run build:cli:sea` and `npm run dist`. Usage: node packaging/build-cli-sea.mjs [--out DIR]
// (DIR: where the executable and its node_modules go; the tests build into a temporary install layout).
import { execFileSync } from 'node:child_process'
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { createRequire } from 'node:module'
import { buildCliFiles } from './build-cli.mjs'

/** postject (CommonJS, untyped): writes a resource into an executable and flips the fuse that says it is there. */
const { inject } =
  /** @type {{ inject: (file: string, name: string, data: Buffer, options: object) => Promise<void> }} */ (
    createRequire(import.meta.url)('postject')
  )

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const { values } = parseArgs({ options: { out: { type: 'string' } } })
const outDir = resolve(values.out ?? join(root, 'out/cli'))
const exe = join(outDir, process.platform === 'win32' ? 'maas-images.exe' : 'maas-images')
const blob = join(outDir, 'maas-images.blob')
// The fuse Node's SEA support looks for (documented in Node's single-executable-applications page).
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2'

/** The native modules the bundle requires at run time, and the files of each that are needed. */
const NATIVE_MODULES = [
  { name: '@ronomon/direct-io', files: ['binding.node', 'package.json', 'LICENSE'] },
  { name: '@napi-rs/keyring', files: null },
  // @napi-rs/keyring's binary is an optional dependency per platform; only this machine's is installed.
  ...['linux-x64-gnu', 'linux-arm64-gnu', 'darwin-x64', 'darwin-arm64', 'win32-x64-msvc', 'win32-arm64-msvc']
    .map((p) => ({ name: `@napi-rs/keyring-${p}`, files: null }))
    .filter((m) => existsSync(join(root, 'node_modules', m.name)))
]

/** @param {string} cmd @param {string[]} args */
function run(cmd, args) {
  execFileSync(cmd, args, { stdio: 'inherit' })
}

mkdirSync(outDir, { recursive: true })
const cliFiles = (await buildCliFiles(outDir)).files
const config = join(outDir, 'sea-config.json')
const assets = Object.fromEntries(['manifest.json', ...cliFiles].map((f) => [f, join(outDir, f)]))
writeFileSync(
  config,
  JSON.stringify(
    { main: join(root, 'packaging/sea-main.cjs'), output: blob, assets, disableExperimentalSEAWarning: true },
    null,
    2
  )
)
run(process.execPath, ['--experimental-sea-config', config])

// postject writes the whole executable back with one write; on Linux (6.x, ext4) the page cache then holds it in
// large folios, and a process mapping it gets ~14 MB more file pages resident than from the same file copied
// (peak RSS of `--version` 60 vs 46 MB) for as long as they stay cached. So it is injected into a temporary
// file, and the executable is a copy of that.
const injected = `${exe}.inject`
rmSync(exe, { force: true })
copyFileSync(process.execPath, injected)
chmodSync(injected, 0o755)
// A copied, signed node must lose its signature before it is changed; it is signed again (ad hoc) after.
if (process.platform === 'darwin') run('codesign', ['--remove-signature', injected])
await inject(injected, 'NODE_SEA_BLOB', readFileSync(blob), {
  sentinelFuse: SEA_FUSE,
  ...(process.platform === 'darwin' ? { machoSegmentName: 'NODE_SEA' } : {})
})
if (process.platform === 'darwin') run('codesign', ['--sign', '-', injected])
copyFileSync(injected, exe)
chmodSync(exe, 0o755)
rmSync(injected)
rmSync(blob)
rmSync(config)
// In the executable now; left beside it they would only be confusing.
for (const f of ['app', 'vendor', 'manifest.json']) rmSync(join(outDir, f), { recursive: true, force: true })

rmSync(join(outDir, 'node_modules'), { recursive: true, force: true })
for (const { name, files } of NATIVE_MODULES) {
  const from = join(root, 'node_modules', name)
  const to = join(outDir, 'node_modules', name)
  if (!existsSync(from)) {
    console.warn(`build-cli-sea: ${name} is not installed; the CLI will run without it`)
    continue
  }
  mkdirSync(to, { recursive: true })
  if (files === null) cpSync(from, to, { recursive: true })
  else for (const f of files) if (existsSync(join(from, f))) copyFileSync(join(from, f), join(to, f))
}
console.log(`built ${exe} (Node ${process.versions.node}, ${process.platform}-${process.arch})`)
