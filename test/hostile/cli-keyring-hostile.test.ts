/**
 * A keyring path is typed by an admin and may name anything: the CLI must refuse a FIFO (opening one blocks
 * for ever, SIGTERM ignored) and /dev/zero (an unbounded read never ends) at once, naming the keyring.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { symlink } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { spawnCli, useTestTemp, type CliRun } from './hostile-mirror'

const temp = useTestTemp()

/** The pids under `pid` (tsx runs the CLI in a node child of its own), deepest first. */
function descendants(pid: number): number[] {
  let children: number[] = []
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .split(' ')
      .filter(Boolean)
      .map(Number)
  } catch {
    return []
  }
  return children.flatMap((c) => [...descendants(c), c])
}

/** Runs the CLI; a run still going after `ms` gets SIGTERM, then SIGKILL 5 s later. */
async function runWithDeadline(
  data: string,
  args: string[],
  ms: number
): Promise<CliRun & { signalled: boolean }> {
  const run = spawnCli(data, args)
  let signalled = false
  const term = setTimeout(() => {
    signalled = true
    run.child.kill('SIGTERM')
  }, ms)
  // A CLI that ignored SIGTERM is ended by force, its node process under tsx included.
  const kill = setTimeout(() => {
    for (const pid of descendants(run.child.pid!)) process.kill(pid, 'SIGKILL')
    run.child.kill('SIGKILL')
  }, ms + 5000)
  try {
    const r = await run.done.catch((err: Error) => ({
      code: null,
      stdout: '',
      stderr: `killed: ${err.message}`,
      maxRssMiB: 0
    }))
    return { ...r, signalled }
  } finally {
    clearTimeout(term)
    clearTimeout(kill)
  }
}

describe('CLI keyring reads', () => {
  it('verify with a FIFO as keyring ends by itself, naming the keyring (an open that blocks ignores SIGTERM)', async () => {
    const m = await temp.mirror()
    const data = await temp.dataDir()
    const fifo = join(m.tmp, 'ring.gpg')
    execFileSync('mkfifo', [fifo])
    // tsx start-up on a loaded machine takes seconds; the read itself must not wait at all.
    const r = await runWithDeadline(data, ['verify', m.stream.dir, `keyring_filename=${fifo}`], 30_000)
    expect(r.signalled, r.stderr).toBe(false)
    expect(r.code).toBe(1)
    const report = JSON.parse(r.stdout) as { ok: boolean; problems: string[] }
    expect(report.problems).toEqual([`keyring ${fifo} is a FIFO, expected a regular file: refused`])
  }, 60_000)

  it('boot-sources create with a link to /dev/zero as keyring is refused at once, memory flat', async () => {
    const m = await temp.mirror()
    const data = await temp.dataDir()
    const zero = join(m.tmp, 'zero.gpg')
    await symlink('/dev/zero', zero)
    const r = await runWithDeadline(
      data,
      ['boot-sources', 'create', `url=${m.stream.dir}`, `keyring_filename=${zero}`],
      30_000
    )
    expect(r.signalled, r.stderr).toBe(false)
    // boot-sources is a MAAS command group: a refusal exits 2, as MAAS's CLI does.
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(`keyring ${zero} is a device, expected a regular file: refused`)
    expect(r.maxRssMiB).toBeLessThan(400)
  }, 60_000)
})
