/**
 * Child process for cli-lazy-load.test.ts: runs the CLI with argv, then prints its exit code and whether
 * the services and systeminformation were loaded (require.cache), as JSON.
 */
import { runCli } from '../../src/main/cli/run-cli'

const sink = { write: () => true } as unknown as NodeJS.WritableStream
void runCli(process.argv.slice(2), {
  stdout: sink,
  stderr: sink,
  isTTY: false,
  env: process.env,
  version: '9.9.9'
}).then((code) => {
  const loaded = Object.keys(require.cache)
  process.stdout.write(
    JSON.stringify({
      code,
      services: loaded.some((p) => p.includes('/src/main/services/')),
      systeminformation: loaded.some((p) => p.includes('/node_modules/systeminformation/'))
    })
  )
})
