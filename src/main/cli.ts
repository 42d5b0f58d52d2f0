/**
 * Entry point of the `maas-images` command (out/main/cli.js). Plain Node: no Electron here.
 */
import { runCli } from './cli/run-cli'
import { APP_VERSION } from './core/version'
import { terminalLine } from './cli/terminal-text'

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
  signal: controller.signal
}).then(
  (code) => {
    process.exitCode = code
  },
  (err) => {
    process.stderr.write(`maas-images: ${terminalLine(err instanceof Error ? err.message : String(err))}\n`)
    process.exitCode = 1
  }
)
