/** Command-line options of the import benchmark. */

export type Part = 'compare' | 'resume' | 'lag' | 'catalogue'
export type ScenarioKey = 'shaped' | 'unshaped'

export interface BenchOptions {
  /** fractions of real sizes, each measured in turn (growth is reported when there are several) */
  scales: number[]
  reps: number
  scenarios: ScenarioKey[]
  parts: Set<Part>
  /** compare: the import and the reference clients ('all'), or the import with default settings alone */
  tools: 'all' | 'import'
}

export const USAGE = `usage: tsx bench/import/run.ts [--scale 0.25[,1.0]] [--reps N] [--only shaped|unshaped]
                                [--parts compare,resume,lag,catalogue] [--tools all|import]
  --scale   fraction of real image sizes; 0.25 (default) is about 0.7 GB, 1.0 about 2.9 GB; a comma list runs each
            and prints how time and memory grow
  --reps    repetitions per tool, interleaved (default 2); the best wall time is compared
  --only    run one scenario: shaped (25 MB/s per connection, 20 ms round trip) or unshaped loopback
  --parts   which parts to run (default all)
  --tools   compare: all (default) or import, the import with default settings alone (no aria2c, curl or
            extra connection settings), e.g. for its wall time, CPU and peak RSS at scale 1.0
Environment: BENCH_SERVER=node uses the Node test server even when nginx is installed.`

const PARTS: Part[] = ['compare', 'resume', 'lag', 'catalogue']

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv = {}): BenchOptions {
  const o: BenchOptions = {
    scales: [0.25],
    reps: 2,
    scenarios: ['shaped', 'unshaped'],
    parts: new Set(PARTS),
    tools: 'all'
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
      case '--tools': {
        const v = value()
        if (v !== 'all' && v !== 'import') throw new Error(`--tools takes all or import, got "${v}"`)
        o.tools = v
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
