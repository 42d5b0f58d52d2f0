/** Command-line options of the import benchmark. */

export type Part = 'compare' | 'offline' | 'link' | 'resume' | 'lag' | 'catalogue'
export type ScenarioKey = 'shaped' | 'unshaped'
/** The measured clients of the compare part, by short name. */
export type ToolKey = 'import' | 'import16' | 'import32' | 'aria2c' | 'aria2c-sha256' | 'curl'
export const TOOLS: ToolKey[] = ['import', 'import16', 'import32', 'aria2c', 'aria2c-sha256', 'curl']

export interface BenchOptions {
  /** fractions of real sizes, each measured in turn (growth is reported when there are several) */
  scales: number[]
  reps: number
  scenarios: ScenarioKey[]
  parts: Set<Part>
  /** which clients the compare part runs (default all) */
  tools: Set<ToolKey>
  /**
   * set when this run is the child the link part starts inside a shaped network namespace: the payload
   * ceiling of that link in bytes per second, which the compare rows are reported against
   */
  linkCeiling?: number
  /** the rate the link part shapes its namespace's loopback to, Mbit/s (both legs of the proxy together) */
  linkMbit: number
}

export const USAGE = `usage: tsx bench/import/run.ts [--scale 0.25[,1.0]] [--reps N] [--only shaped|unshaped]
                                [--parts compare,offline,link,resume,lag,catalogue]
                                [--tools import,import16,import32,aria2c,aria2c-sha256,curl] [--link-mbit N]
  --scale   fraction of real image sizes; 0.25 (default) is about 0.7 GB, 1.0 about 2.9 GB; a comma list runs each
            and prints how time and memory grow
  --reps    repetitions per tool, interleaved (default 2; staging at least 5); the best wall time is compared,
            in the offline part the median of the pairs' ratios
  --only    run one scenario: shaped (25 MB/s per connection, 20 ms round trip) or unshaped loopback
  --parts   which parts to run (default all): compare (over HTTP, beside aria2c and curl), offline (import
            from a local mirror, stage, serve, each beside its floor), link (the shaped compare again inside a
            network namespace whose loopback the kernel shapes; root only), resume, lag, catalogue
  --link-mbit  the rate the link part shapes the namespace's loopback to (default 2000 Mbit/s, the proxy's two
            legs together); lower it on a busy machine, so that the link and not the cores is what limits
  --tools   which clients the compare part measures (default all): the import with default settings, with
            connections=16 or 32 (shaped only), aria2c without and with sha-256 checks, 8 x curl + sha256sum
Environment: BENCH_SERVER=node uses the Node test server even when nginx is installed; BENCH_CLI=PATH measures\nthat executable (the single-executable CLI, out/cli/maas-images) instead of the built CLI.`

const PARTS: Part[] = ['compare', 'offline', 'link', 'resume', 'lag', 'catalogue']

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv = {}): BenchOptions {
  const o: BenchOptions = {
    scales: [0.25],
    reps: 2,
    scenarios: ['shaped', 'unshaped'],
    parts: new Set(PARTS),
    tools: new Set(TOOLS),
    linkMbit: 2000
  }
  // Older spellings, still honoured.
  if (env.BENCH_REPS) o.reps = positiveInt(env.BENCH_REPS, 'BENCH_REPS')
  if (env.BENCH_PARTS) o.parts = parts(env.BENCH_PARTS, 'BENCH_PARTS')
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2)
    const value = (): string => {
      const v = inline ?? argv[++i]
      if (v === undefined) throw new Error(`${flag} needs a value\n${USAGE}`)
      return v
    }
    switch (flag) {
      case '--scale':
        o.scales = value()
          .split(',')
          .map((s) => {
            const n = Number(s)
            if (!(n > 0 && n <= 1)) throw new Error(`--scale takes fractions in (0, 1], got "${s}"`)
            return n
          })
        break
      case '--reps':
        o.reps = positiveInt(value(), '--reps')
        break
      case '--only': {
        const v = value()
        if (v !== 'shaped' && v !== 'unshaped') throw new Error(`--only takes shaped or unshaped, got "${v}"`)
        o.scenarios = [v]
        break
      }
      case '--parts':
        o.parts = parts(value(), '--parts')
        break
      case '--tools':
        o.tools = oneOf(value(), '--tools', TOOLS)
        break
      case '--link-mbit': {
        const n = Number(value())
        if (!(Number.isInteger(n) && n >= 10 && n <= 100_000))
          throw new Error(`--link-mbit takes a whole number of Mbit/s, 10-100000, got "${n}"`)
        o.linkMbit = n
        break
      }
      case '--link-ceiling': {
        const n = Number(value())
        if (!(n > 0)) throw new Error(`--link-ceiling takes bytes per second, got "${n}"`)
        o.linkCeiling = n
        break
      }
      case '--help':
      case '-h':
        throw new Error(USAGE)
      default:
        throw new Error(`unknown option "${argv[i]}"\n${USAGE}`)
    }
  }
  return o
}

function oneOf<T extends string>(v: string, name: string, allowed: readonly T[]): Set<T> {
  const out = new Set<T>()
  for (const t of v.split(',')) {
    if (!(allowed as readonly string[]).includes(t))
      throw new Error(`${name} takes a comma list of ${allowed.join(', ')}, got "${t}"`)
    out.add(t as T)
  }
  return out
}

function positiveInt(v: string, name: string): number {
  const n = Number(v)
  if (!Number.isInteger(n) || n < 1 || n > 100)
    throw new Error(`${name} takes a whole number 1-100, got "${v}"`)
  return n
}

function parts(v: string, name: string): Set<Part> {
  const out = new Set<Part>()
  for (const p of v.split(',')) {
    if (!PARTS.includes(p as Part))
      throw new Error(`${name}: unknown part "${p}" (known: ${PARTS.join(', ')})`)
    out.add(p as Part)
  }
  return out
}
