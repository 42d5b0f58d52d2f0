/** Runs `maas-images serve …` in-process until stopped, and hands back the URL it printed. */
import { PassThrough } from 'node:stream'
import { runCli } from '../../src/main/cli/run-cli'

export interface ServingCli {
  url: string
  stdout(): string
  stderr(): string
  /** Ctrl-C: stops serving; resolves to the exit code */
  stop(): Promise<number>
  /** settles with the exit code when the CLI ends by itself (or after stop()) */
  exited: Promise<number>
}

/**
 * Resolves once the CLI says where it serves; if it exits first (it refused to serve), resolves with its exit
 * code and output instead. Waits on the output and the exit, not on a clock.
 */
export async function serveCli(
  dataDir: string,
  ...args: string[]
): Promise<ServingCli | { code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  let out = ''
  let err = ''
  stderr.on('data', (d) => (err += d))
  const ctrlC = new AbortController()
  const url = new Promise<string>((resolve) =>
    stdout.on('data', (d) => {
      out += d
      const m = / at (http:\/\/\S+\/)\n/.exec(out)
      if (m) resolve(m[1])
    })
  )
  const running = runCli(['--data-dir', dataDir, 'serve', '--port', '0', ...args], {
    stdout,
    stderr,
    isTTY: false,
    env: {},
    version: 'test',
    signal: ctrlC.signal
  })
  const first = await Promise.race([url, running.then((code) => ({ code }))])
  if (typeof first !== 'string') return { code: first.code, stdout: out, stderr: err }
  return {
    url: first,
    stdout: () => out,
    stderr: () => err,
    exited: running,
    stop: async () => {
      ctrlC.abort()
      return running
    }
  }
}
