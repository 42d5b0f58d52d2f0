/**
 * Child process for v8-tuning.test.ts: with argv[2] === 'tuned' it applies the CLI's V8 tuning first,
 * starts a worker thread as the import's hash pool does (which resets one of the flags),
 * then (1) churns short-lived objects with a survivor window, which makes V8 grow its young generation,
 * and (2) receives 640 MiB the way an import does, as 64 KiB buffers that each die after being copied
 * into a reused batch, 1 MiB per event-loop turn, and (3) 320 MiB as buffers that live for 24 turns before they
 * die (promoted out of the young generation), and (4) 48 MiB in a single event-loop turn, as one turn of a fast
 * import reads many sockets, each read counted as exchange.ts counts it. Prints the young generation's size and
 * the most external memory V8 held in (2), (3) and (4), as JSON.
 */
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8'
import { once } from 'node:events'
import { Worker } from 'node:worker_threads'
import { tuneV8ForCli } from '../../src/main/cli/v8-tuning'
import { received as countReceived } from '../../src/main/net/receive-meter'

const governor = process.argv[2] === 'tuned' ? tuneV8ForCli() : undefined

const worker = new Worker('setInterval(() => {}, 1000)', { eval: true })

async function main(): Promise<void> {
  await once(worker, 'online')
  // 'online' listeners run in the order they were added: the tuning's has run once this resolves
  await new Promise((resolve) => setImmediate(resolve))
  const window: object[] = []
  for (let i = 0; i < 3_000_000; i++) {
    window.push({ i, s: `item ${i}` })
    if (window.length > 100_000) window.splice(0, 50_000)
  }
  const newSpace = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? -1

  const CHUNK = 64 << 10
  const batch = Buffer.allocUnsafeSlow(512 << 10)
  let received = 0
  let maxExternal = 0
  const tick = (): void => {
    // One event-loop turn of a busy import: 16 connections, one read each; at most one turn per
    // millisecond (1 GB/s, three times the fastest import seen here), so the governor's 5 ms timer runs
    // between turns as it does in an import, however loaded the machine.
    for (let c = 0; c < 16; c++) {
      const chunk = Buffer.allocUnsafeSlow(CHUNK)
      chunk.copy(batch, ((received / CHUNK) % 8) * CHUNK)
      received += CHUNK
    }
    maxExternal = Math.max(maxExternal, getHeapStatistics().external_memory)
    if (received < 640 << 20) setTimeout(tick, 1)
    else {
      received = 0
      promotedTick()
    }
  }
  // (3) The same, but each buffer lives for 24 turns first (a chunk waiting in a paused socket, a header
  // array): long enough to survive the governor's scavenges and be promoted, so only a full collection frees it.
  const held: Buffer[][] = []
  let maxPromoted = 0
  const promotedTick = (): void => {
    const turn: Buffer[] = []
    for (let c = 0; c < 4; c++) {
      const chunk = Buffer.allocUnsafeSlow(CHUNK)
      chunk.copy(batch, ((received / CHUNK) % 8) * CHUNK)
      turn.push(chunk)
      received += CHUNK
    }
    held.push(turn)
    if (held.length > 24) held.shift()
    maxPromoted = Math.max(maxPromoted, getHeapStatistics().external_memory)
    if (received < 320 << 20) setTimeout(promotedTick, 1)
    else void oneTurn()
  }
  // (4) Each read handled in a callback of its own (a microtask here, where undici's are native callbacks),
  // dead when it returns; the governor's timer cannot run before the turn ends. The figure is the growth over
  // the external memory at the turn's start.
  let maxInTurn = 0
  const oneRead = (i: number): void => {
    const chunk = Buffer.allocUnsafeSlow(CHUNK)
    chunk.copy(batch, (i % 8) * CHUNK)
    countReceived(CHUNK)
  }
  const oneTurn = async (): Promise<void> => {
    held.length = 0
    const start = getHeapStatistics().external_memory
    for (let i = 0; i < (48 << 20) / CHUNK; i++) {
      oneRead(i)
      await null
      maxInTurn = Math.max(maxInTurn, getHeapStatistics().external_memory - start)
    }
    setImmediate(report)
  }
  const report = (): void => {
    process.stdout.write(
      JSON.stringify({
        newSpace,
        maxExternal,
        maxPromoted,
        maxInTurn,
        scavenges: governor?.scavenges ?? 0,
        fullCollections: governor?.fullCollections ?? 0
      })
    )
    governor?.stop()
    void worker.terminate()
  }
  tick()
}

void main()
