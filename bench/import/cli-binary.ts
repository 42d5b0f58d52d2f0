/**
 * Which CLI the benchmark measures: the executable named by BENCH_CLI (the packaged single executable,
 * `npm run build:cli:sea`: out/cli/maas-images), else the built one (out/main/cli.js) when it has the
 * boot-resources verbs, otherwise an esbuild bundle of bench/import/cli-entry.ts (the same code, plain node).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'

const REPO = resolve(__dirname, '..', '..')

export async function cliCommand(
  env: NodeJS.ProcessEnv = process.env
): Promise<{ argv: string[]; label: string }> {
  if (env.BENCH_CLI) {
    if (!existsSync(env.BENCH_CLI)) throw new Error(`BENCH_CLI=${env.BENCH_CLI}: no such executable`)
    return { argv: [resolve(env.BENCH_CLI)], label: `BENCH_CLI: ${env.BENCH_CLI}` }
  }
  const built = join(REPO, 'out', 'main', 'cli.js')
  let why = 'out/main/cli.js does not exist'
  if (existsSync(built)) {
    const help = spawnSync(process.execPath, [built, '--help'], { encoding: 'utf8' })
    if (!help.stdout.includes('boot-resources import')) why = 'out/main/cli.js lacks the boot-resources verbs'
    else if (newestSource() > statSync(built).mtimeMs)
      why = 'out/main/cli.js is older than src/main/{import,library,stage,serve,net}'
    else return { argv: [process.execPath, built], label: 'built CLI: node out/main/cli.js' }
  }
  // Inside the repo (node_modules/.tmp, ignored by git) so the app finds its resources folder upwards.
  const out = join(REPO, 'node_modules', '.tmp', 'bench-cli.mjs')
  const r = spawnSync(
    join(REPO, 'node_modules', '.bin', 'esbuild'),
    [
      join(REPO, 'bench/import/cli-entry.ts'),
      '--bundle',
      '--platform=node',
      '--format=esm',
      '--target=node20',
      `--outfile=${out}`,
      '--log-level=warning',
      // ESM (openpgp needs import.meta.url) with the CommonJS globals the app code expects.
      "--banner:js=import { createRequire as __cr } from 'node:module'; import { fileURLToPath as __fu } from 'node:url'; " +
        "import { dirname as __dn } from 'node:path'; const require = __cr(import.meta.url); " +
        'const __filename = __fu(import.meta.url); const __dirname = __dn(__filename);'
    ],
    { encoding: 'utf8' }
  )
  if (r.status !== 0) throw new Error(`esbuild failed: ${r.stderr}`)
  return {
    argv: [process.execPath, out],
    label: `esbuild bundle of bench/import/cli-entry.ts (the same CLI code; ${why}), plain node`
  }
}

/** mtime of the newest file of the import engine and its CLI verbs. */
function newestSource(): number {
  let newest = statSync(join(REPO, 'src/main/cli/commands/boot-resources.ts')).mtimeMs
  for (const sub of [
    'src/main/import',
    'src/main/library',
    'src/main/stage',
    'src/main/serve',
    'src/main/net'
  ]) {
    const dir = join(REPO, sub)
    for (const f of readdirSync(dir, { recursive: true, encoding: 'utf8' }))
      newest = Math.max(newest, statSync(join(dir, f)).mtimeMs)
  }
  return newest
}
