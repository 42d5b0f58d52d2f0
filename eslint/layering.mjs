/**
 * The layer order of src/main (docs/architecture.md, "Layers"), as one map: a folder may import from the folders
 * listed for it and from nothing else in src/main. Lower layers never reach up, so the CLI, the tests and the
 * benchmarks can load any layer with only what lies beneath it. Imports are read as written (relative paths);
 * `@shared/…` and packages are outside src/main and not this rule's business.
 */
import { statSync } from 'node:fs'
import { dirname, relative, resolve, sep } from 'node:path'

const BASE = ['core', 'net']
const STREAMS = [...BASE, 'staged-tree', 'streams']
const LIBRARY = [...STREAMS, 'library']
const WORK = [...LIBRARY, 'import', 'stage', 'serve']

/** folder of src/main -> the folders of src/main it may import from (its own is always allowed) */
export const LAYERS = {
  core: ['net'],
  net: ['core'],
  'staged-tree': BASE,
  streams: ['staged-tree', ...BASE],
  library: STREAMS,
  import: LIBRARY,
  stage: LIBRARY,
  serve: LIBRARY,
  services: WORK,
  // Front ends reach the work through requests to the services; they may name the data directory (core).
  cli: ['services', 'core'],
  bridge: ['services', 'core'],
  // The Electron shell also hands the import engine its utility-process launcher.
  shell: ['services', 'core', 'import'],
  // Entry files at src/main's top level wire everything together.
  '.': [...WORK, 'services', 'cli', 'bridge', 'shell']
}

const MAIN = resolve('src/main')

/** The src/main folder a path lies in ('.' for the entry files at its top), or null outside src/main. */
function folderOf(path) {
  const rel = relative(MAIN, path)
  if (rel.startsWith('..') || rel === '') return null
  const parts = rel.split(sep)
  if (parts.length > 1) return parts[0]
  // `../library` names a folder's index; `../cli` may name cli.ts beside the folder cli/.
  const isFolder = statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false
  return isFolder && !statSync(`${path}.ts`, { throwIfNoEntry: false }) ? parts[0] : '.'
}

export const layeringRule = {
  meta: {
    type: 'problem',
    docs: { description: 'src/main folders import only from the layers beneath them' },
    schema: [],
    messages: {
      wrongWay:
        "src/main/{{from}} may not import from src/main/{{to}} (layer order: docs/architecture.md, 'Layers'); " +
        'move the shared part down, or go through the services.',
      unknownFolder:
        'src/main/{{from}} is not in the layer map of eslint/layering.mjs: add it where it belongs.'
    }
  },
  create(context) {
    const file = resolve(context.filename)
    const from = folderOf(file)
    if (from === null) return {}
    const allowed = LAYERS[from]
    const check = (node, spec) => {
      if (typeof spec !== 'string' || !spec.startsWith('.')) return
      const to = folderOf(resolve(dirname(file), spec))
      if (to === null || to === from) return
      if (!allowed) context.report({ node, messageId: 'unknownFolder', data: { from } })
      else if (!allowed.includes(to)) context.report({ node, messageId: 'wrongWay', data: { from, to } })
    }
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value)
    }
  }
}

export default { rules: { layering: layeringRule } }
