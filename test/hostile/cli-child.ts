/**
 * Runs the `maas-images` CLI (same entry as out/main/cli.js, with the same SIGINT/SIGTERM handling) in a child
 * process, then writes its peak resident memory as JSON to the file named by $MAAS_TEST_RSS_REPORT, so a test can bound what the whole CLI costs.
 */
import { writeFileSync } from 'node:fs'
import { runCli } from '../../src/main/cli/run-cli'

const controller = new AbortController()
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => controller.abort(new Error(`interrupted by ${sig}`)))
}

void runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  isTTY: false,
  env: process.env,
  version: '9.9.9',
  signal: controller.signal
}).then((code) => {
  // resourceUsage().maxRSS is in KiB: the high-water mark of the whole process, not a sample.
  writeFileSync(
    process.env.MAAS_TEST_RSS_REPORT!,
    JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS })
  )
  process.exitCode = code
})
