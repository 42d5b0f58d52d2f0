/**
 * The shaping proxy as its own process (so its work is not on the benchmark's event loop):
 *   npx tsx bench/import/shaping-proxy-cli.ts --target 127.0.0.1:PORT --one-way-ms 10 [--rate BYTES] [--port P]
 * Prints its port as one line on stdout; stops on SIGTERM or SIGINT.
 */
import { startShapingProxy } from './shaping-proxy'

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : undefined
}

function num(name: string, fallback?: number): number | undefined {
  const v = arg(name)
  if (v === undefined) return fallback
  const n = Number(v)
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} needs a non-negative number, got "${v}"`)
  return n
}

async function main(): Promise<void> {
  const target = /^([\w.-]+):(\d+)$/.exec(arg('target') ?? '')
  if (!target)
    throw new Error(
      'usage: shaping-proxy-cli.ts --target HOST:PORT --one-way-ms MS [--rate BYTES] [--port P]'
    )
  const proxy = await startShapingProxy({
    targetHost: target[1],
    targetPort: Number(target[2]),
    oneWayMs: num('one-way-ms', 0)!,
    rateBytesPerSec: num('rate'),
    port: num('port')
  })
  process.stdout.write(`${proxy.port}\n`)
  const stop = (): void => void proxy.close().then(() => process.exit(0))
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}

main().catch((err: unknown) => {
  process.stderr.write(`shaping proxy: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(2)
})
