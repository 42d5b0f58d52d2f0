/**
 * V8's code cache for the CLI's JavaScript (its chunks and the packages they require), kept in the user's
 * cache folder, so a command does not parse and compile the same 1.3 MB again each time it starts (Node 20
 * has no module.enableCompileCache). Each CommonJS file is compiled as Node would (the module wrapper, the
 * module's own require), with the cached data V8 made for that exact file last time; V8 checks it against the
 * source and its own version and flags, and compiles as usual when it does not fit. At exit, the files that
 * had no usable cache get one, made then so it holds every function the command ran, not only the top level.
 *
 * The cache is an optimisation only: a folder that cannot be made or read, or a write that fails, leaves the
 * command as it was. It lives under `$XDG_CACHE_HOME` (or `~/.cache`), `%LOCALAPPDATA%` on Windows, in a
 * folder only the user may open, one subfolder per Node version and architecture.
 */
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import Module from 'node:module'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'
import { constants, Script } from 'node:vm'

/** Node's CommonJS internals this relies on (stable since Node 12, and what every compile cache uses). */
interface ModuleInternals {
  _compile(content: string, filename: string): unknown
}
interface ModuleStatics {
  wrap(content: string): string
  _resolveFilename(request: string, parent: Module, isMain: boolean, options?: unknown): string
  _resolveLookupPaths(request: string, parent: Module): string[] | null
  _extensions: NodeJS.RequireExtensions
  _cache: NodeJS.Dict<NodeJS.Module>
}

/** The default folder, or undefined when there is no home to put it in. */
export function defaultCompileCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const base =
    process.platform === 'win32'
      ? env.LOCALAPPDATA
      : env.XDG_CACHE_HOME || (homedir() ? join(homedir(), '.cache') : undefined)
  if (!base) return undefined
  return join(base, 'maas-images', 'v8-code-cache', `${process.version}-${process.arch}`)
}

/** What enableCompileCache did, for the tests. */
export interface CompileCacheStats {
  /** files compiled with cached data V8 accepted */
  hits: number
  /** files compiled without (none yet, or V8 refused it) */
  misses: number
  /** writes the cache for the misses now (also done at exit) */
  flush(): void
}

/**
 * Compiles every CommonJS file loaded from now on through the code cache in `dir`. Returns undefined (and
 * changes nothing) when the folder cannot be made.
 */
export function enableCompileCache(
  dir: string | undefined = defaultCompileCacheDir()
): CompileCacheStats | undefined {
  if (!dir) return undefined
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 })
  } catch {
    return undefined
  }
  const statics = Module as unknown as ModuleStatics
  const proto = Module.prototype as unknown as ModuleInternals
  const original = proto._compile
  let toWrite: Array<{ script: Script; file: string }> = []
  const stats: CompileCacheStats = {
    hits: 0,
    misses: 0,
    flush() {
      const pending = toWrite
      toWrite = []
      for (const { script, file } of pending) {
        try {
          // A whole file or none: another process may read it at any moment.
          const tmp = `${file}.${process.pid}.tmp`
          writeFileSync(tmp, script.createCachedData(), { mode: 0o600 })
          renameSync(tmp, file)
        } catch {
          // The cache is an optimisation: a full disk or a read-only home must not fail the command.
        }
      }
    }
  }
  proto._compile = function compileWithCache(this: Module, content: string, filename: string): unknown {
    // A script made by vm has no loader for import() of its own (Node 20 offers only an experimental one,
    // which warns on stderr when used): a file that may run one is compiled by Node, uncached.
    if (mayImport(content)) return original.call(this, content, filename)
    const key = createHash('sha256').update(filename).update('\0').update(content).digest('hex')
    const file = join(dir, key.slice(0, 40))
    let cachedData: Buffer | undefined
    try {
      cachedData = readFileSync(file)
    } catch {
      cachedData = undefined
    }
    let script: Script
    try {
      script = new Script(statics.wrap(content), {
        filename,
        cachedData,
        // Only for an import() mayImport() did not see: it works, with Node's experimental warning.
        importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER
      })
    } catch {
      // A syntax error: let Node compile it, and report it, as it always does.
      return original.call(this, content, filename)
    }
    if (cachedData !== undefined && !script.cachedDataRejected) stats.hits++
    else {
      stats.misses++
      toWrite.push({ script, file })
    }
    const fn = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown
    return fn.call(this.exports, this.exports, requireFor(this, statics), this, filename, dirname(filename))
  }
  process.once('exit', () => stats.flush())
  return stats
}

/** Whether `import(` appears on a line that is not a comment (JSDoc types such as `import('x').T` are). */
export function mayImport(content: string): boolean {
  let at = content.indexOf('import(')
  while (at !== -1) {
    const line = content.slice(content.lastIndexOf('\n', at) + 1, at).trimStart()
    if (!line.startsWith('*') && !line.startsWith('//') && !line.startsWith('/*')) return true
    at = content.indexOf('import(', at + 7)
  }
  return false
}

/** The `require` a module's code gets, as Node makes it. */
function requireFor(mod: Module, statics: ModuleStatics): NodeJS.Require {
  const require = ((id: string) => mod.require(id)) as NodeJS.Require
  const resolve = ((request: string, options?: { paths?: string[] }) =>
    statics._resolveFilename(request, mod, false, options)) as NodeJS.RequireResolve
  resolve.paths = (request: string) => statics._resolveLookupPaths(request, mod)
  require.resolve = resolve
  require.main = process.mainModule
  require.extensions = statics._extensions
  require.cache = statics._cache
  return require
}
