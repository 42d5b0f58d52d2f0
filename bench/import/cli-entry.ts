/**
 * The `maas-images` CLI with the boot-resources verbs, for the benchmark when the built CLI
 * (out/main/cli.js) does not carry them yet. Bundled by run.ts with esbuild, run with plain node.
 */
import { runCli } from '../../src/main/cli/run-cli'
import { commands } from '../../src/main/cli/commands'
import { bootResourceCommands } from '../../src/main/cli/commands/boot-resources'

const ac = new AbortController()
process.on('SIGINT', () => ac.abort())
process.on('SIGTERM', () => ac.abort())
// The command table may already carry the verbs (it does once registered); never list them twice.
const all = [...commands.filter((c) => !c.group.startsWith('boot-resource')), ...bootResourceCommands]
runCli(
  process.argv.slice(2),
  {
    stdout: process.stdout,
    stderr: process.stderr,
    isTTY: !!process.stderr.isTTY,
    env: process.env,
    version: 'bench',
    signal: ac.signal
  },
  all
).then((code) => process.exit(code))
