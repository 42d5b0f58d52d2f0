/** What every part of the import benchmark shares: the workload, the CLI, the scenarios and a server per run. */
import { join } from 'node:path'
import type { ScenarioKey, ToolKey } from './options'
import { startBenchServer, type BenchServer, type ServerKind, type Shaping } from './servers'
import type { Workload } from './workload'

export const MB = 1e6

export interface Scenario {
  key: ScenarioKey
  title: string
  shaping?: Shaping
}

export const SCENARIOS: Record<ScenarioKey, Scenario> = {
  shaped: {
    key: 'shaped',
    title: 'shaped: 25 MB/s per connection, 20 ms round trip',
    shaping: { rateBytesPerSec: 25 * MB, rttMs: 20 }
  },
  unshaped: { key: 'unshaped', title: 'unshaped loopback' }
}

export interface Ctx {
  /** the run's temp dir; everything the benchmark writes lives under it */
  root: string
  workload: Workload
  /** argv prefix of the CLI measured (node + script) */
  cli: string[]
  serverKind: ServerKind
  scale: number
  reps: number
  /** limit for one measured run, scaled with the workload */
  runTimeoutS: number
  /** connection settings the shaped run also measures, besides the default */
  extraConnections: Array<16 | 32>
  /** which clients the compare part measures */
  tools: Set<ToolKey>
  /** inside the link part's shaped namespace: the payload ceiling of its link, bytes per second */
  linkCeiling?: number
}

let serial = 0

/** A fresh server (own config and logs dir) for one measurement block, always stopped afterwards. */
export async function withServer<T>(
  ctx: Ctx,
  sc: Scenario,
  fn: (server: BenchServer) => Promise<T>,
  nice = false
): Promise<T> {
  const server = await startBenchServer({
    kind: ctx.serverKind,
    root: ctx.workload.streamDir,
    dir: join(ctx.root, `server-${++serial}`),
    shaping: sc.shaping,
    nice
  })
  try {
    return await fn(server)
  } finally {
    await server.stop()
  }
}

export const mb = (bytes: number): string => (bytes / MB).toFixed(1)
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
