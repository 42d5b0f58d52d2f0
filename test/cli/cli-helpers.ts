/** Runs the CLI in-process with captured output. */
import { PassThrough } from 'node:stream'
import { runCli } from '../../src/main/cli/run-cli'

export async function cli(
  dataDir: string,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string; json: () => unknown }> {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  let out = ''
  let err = ''
  stdout.on('data', (d) => (out += d))
  stderr.on('data', (d) => (err += d))
  const code = await runCli(['--data-dir', dataDir, ...args], {
    stdout,
    stderr,
    isTTY: false,
    env: {},
    version: '9.9.9'
  })
  return { code, stdout: out, stderr: err, json: () => JSON.parse(out) }
}
