// The main script of the CLI's single executable (packaging/build-cli-sea.mjs). It holds no CLI code: the CLI's
// files are assets of the executable (the CommonJS entry and chunks of packaging/build-cli.mjs, and one
// bundle per npm package they require), and this loads each one when it is first required, as
// `node out/main/cli.js` loads files from disk. So the entry tunes V8 (src/main/cli/v8-tuning.ts) before any
// other CLI code is compiled, and a command compiles only the code it runs: one script of all of it, which V8
// parses whole at start, held 8 MB more memory from the start (docs/performance.md, "Decisions that stand").
//
// A file's __filename is its asset name under the executable's folder (resources/cli/app/… in a package), so
// the resources folder is found upwards from it as from out/main/. Names that are neither a file of the CLI
// nor a bundled package go to the executable's own require, which loads only Node's built-in modules: no
// module is ever loaded from a node_modules folder on disk (native modules: src/main/core/native-module.ts).
'use strict'
const Module = require('node:module')
const { dirname, join, posix } = require('node:path')
const { getAsset } = require('node:sea')

/** @type {{ entry: string, packages: Record<string, string> }} */
const manifest = JSON.parse(getAsset('manifest.json', 'utf8'))
const home = dirname(process.execPath)
/** @type {Map<string, Module>} */
const loaded = new Map()

/** @param {string} asset @returns {unknown} */
function load(asset) {
  const done = loaded.get(asset)
  if (done) return done.exports
  const filename = join(home, asset)
  const mod = new Module(filename)
  mod.filename = filename
  mod.paths = []
  mod.require = (/** @type {string} */ id) => requireFrom(asset, id)
  loaded.set(asset, mod)
  mod._compile(getAsset(asset, 'utf8'), filename)
  mod.loaded = true
  return mod.exports
}

/** @param {string} from the asset that requires @param {string} id */
function requireFrom(from, id) {
  if (id.startsWith('./') || id.startsWith('../')) return load(posix.join(posix.dirname(from), id))
  const bundle = manifest.packages[id]
  // A package bundle exports one function per name the CLI requires of it (build-cli.mjs).
  if (bundle) return /** @type {Record<string, () => unknown>} */ (load(bundle))[id]()
  return require(id)
}

load(manifest.entry)
