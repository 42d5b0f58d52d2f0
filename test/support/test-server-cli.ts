/**
 * Standalone test mirror for benchmarks and manual runs:
 *   npx tsx test/support/test-server-cli.ts --root DIR [--rate BYTES] [--latency MS] [--cut N] [--port P]
 * Prints the URL as one line on stdout. GET /__stats returns the served-bytes counters as JSON, and the totals
 * are printed on stderr when the process is stopped (SIGINT/SIGTERM).
 */
import { startTestServer } from './test-server'

function parseArgs(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`)
    const [key, inline] = a.slice(2).split('=', 2)
    out[key] = inline ?? argv[++i] ?? ''
  }
  return out
}

function num(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined
  const n = Number(v)
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} needs a non-negative number, got "${v}"`)
  return n
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2))
  if (!args.root)
    throw new Error('usage: test-server-cli.ts --root DIR [--rate BYTES] [--latency MS] [--cut N] [--port P]')
  const server = await startTestServer({
    root: args.root,
    rateBytesPerSec: num(args.rate, 'rate'),
    latencyMs: num(args.latency, 'latency'),
    cutEveryNth: num(args.cut, 'cut'),
    port: num(args.port, 'port')
  })
  process.stdout.write(`${server.url}\n`)
  const stop = async (): Promise<void> => {
    process.stderr.write(`${JSON.stringify(server.statsJson())}\n`)
    await server.close()
    process.exit(0)
  }
  process.on('SIGINT', () => void stop())
  process.on('SIGTERM', () => void stop())
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(2)
})
