/**
 * The link part: the shaped compare again, in a private network namespace whose loopback the kernel shapes
 * (tc tbf), so the link, not the two cores, is what limits: how close each client comes to the link's
 * ceiling. Every byte crosses that loopback twice (nginx to the shaping proxy, the proxy to the client), so
 * the payload's ceiling is half the shaped rate. Needs root (ip netns, tc); without it, or where the kernel
 * cannot shape, it says so and is skipped.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { resolve } from 'node:path'
import { spawnGroup } from './children'
import type { Ctx } from './context'

const REPO = resolve(__dirname, '..', '..')

/**
 * The share of a link's payload ceiling an import can reach when the link is what limits: the requests in
 * flight hold at most the kill-loss budget B, and each waits a round trip before its first byte, while the
 * link gives the connections C between them, so a byte asked for is written after about RTT + B / C and the
 * rate is at most B / (RTT + B / C), i.e. a share B / (B + RTT x C) of C, whatever the number of connections.
 * Start-up and queueing in the shaper only lower it.
 */
export function budgetBoundShare(budgetBytes: number, rttS: number, ceilingBytesPerS: number): number {
  return budgetBytes / (budgetBytes + rttS * ceilingBytesPerS)
}

function sh(argv: string[]): void {
  execFileSync(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] })
}

export async function linkBound(ctx: Ctx, scale: number, linkMbit: number): Promise<void> {
  const ceiling = (linkMbit * 1e6) / 8 / 2
  console.log(
    `\nlink-bound: a network namespace whose loopback tc tbf shapes to ${linkMbit} Mbit/s ` +
      `(payload ceiling ${(ceiling / 1e6).toFixed(0)} MB/s: every byte crosses it twice, through the shaping proxy)`
  )
  if (process.getuid?.() !== 0) {
    console.log('  skipped: shaping a namespace needs root (ip netns add, tc qdisc)')
    return
  }
  const ns = `maasbench${process.pid}`
  try {
    sh(['ip', 'netns', 'add', ns])
  } catch (e) {
    console.log(`  skipped: the kernel cannot make a network namespace here: ${stderrOf(e)}`)
    return
  }
  const drop = (): void => void spawnSync('ip', ['netns', 'del', ns])
  process.once('exit', drop)
  try {
    try {
      sh(['ip', 'netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up'])
      sh([
        'ip',
        'netns',
        'exec',
        ns,
        'tc',
        'qdisc',
        'add',
        'dev',
        'lo',
        'root',
        'tbf',
        'rate',
        `${linkMbit}mbit`,
        'burst',
        '2mb',
        'latency',
        '50ms'
      ])
    } catch (e) {
      console.log(`  skipped: the kernel cannot shape the namespace's loopback: ${stderrOf(e)}`)
      return
    }
    const args = [
      'netns',
      'exec',
      ns,
      process.execPath,
      '--import',
      'tsx',
      resolve(REPO, 'bench/import/run.ts'),
      '--scale',
      String(scale),
      '--reps',
      String(ctx.reps),
      '--parts',
      'compare',
      '--only',
      'shaped',
      '--tools',
      [...ctx.tools].filter((t) => t === 'import' || t.startsWith('aria2c')).join(',') || 'import',
      '--link-ceiling',
      String(ceiling)
    ]
    const child = spawnGroup('ip', args, { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] })
    let printing = false
    child.stdout!.setEncoding('utf8')
    let buf = ''
    child.stdout!.on('data', (d: string) => {
      buf += d
      const lines = buf.split('\n')
      buf = lines.pop() ?? ''
      // The child's own header repeats ours: print from its scenario on.
      for (const l of lines) if ((printing ||= l.startsWith('shaped'))) console.log(`  ${l}`)
    })
    const code = await new Promise<number | null>((r) => child.once('close', r))
    if (code !== 0) console.log(`  the namespaced run exited ${code}`)
  } finally {
    drop()
    process.removeListener('exit', drop)
  }
}

function stderrOf(e: unknown): string {
  const err = (e as { stderr?: Buffer }).stderr?.toString().trim()
  return err || (e instanceof Error ? e.message : String(e))
}
