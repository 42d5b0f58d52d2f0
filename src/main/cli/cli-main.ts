/**
 * The `maas-images` process: Ctrl-C and SIGTERM cancel the command, its exit code becomes the process's.
 * Loaded by the entry (src/main/cli.ts) once the heap is configured.
 */
import { runCli } from './run-cli'
import { APP_VERSION } from '../core/version'
import { terminalLine } from './terminal-text'

export function main(): void {
  const controller = new AbortController()
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => controller.abort(new Error(`interrupted by ${sig}`)))
  }

  runCli(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    isTTY: Boolean(process.stdout.isTTY),
    env: process.env,
    version: APP_VERSION,
    signal: controller.signal,
    self: [process.execPath, ...process.execArgv, process.argv[1]]
  }).then(
    (code) => {
      process.exitCode = code
    },
    (err) => {
      process.stderr.write(`maas-images: ${terminalLine(err instanceof Error ? err.message : String(err))}\n`)
      process.exitCode = 1
    }
  )
}
