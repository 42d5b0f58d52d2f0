/**
 * Every child the benchmark starts runs in its own process group and is recorded here, so a normal exit,
 * an error or Ctrl-C leaves no nginx, proxy or import behind. Temp dirs registered here are removed too.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process'
import { rmSync } from 'node:fs'

const groups = new Set<number>()
const tempDirs = new Set<string>()

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0)
    return true
  } catch {
    return false
  }
}

/**
 * spawn() in a new process group (detached), so killing the group also stops what the child started
 * (nginx's workers, the program /usr/bin/time measures).
 */
export function spawnGroup(cmd: string, args: string[], opts: SpawnOptions = {}): ChildProcess {
  const p = spawn(cmd, args, { ...opts, detached: true })
  const pgid = p.pid
  if (pgid !== undefined) {
    groups.add(pgid)
    // Forget the group only once nothing is left in it: a pgid is never reused while a member lives.
    p.once('exit', () => {
      if (!groupAlive(pgid)) groups.delete(pgid)
    })
  }
  return p
}

/** Sends `signal` to the child's whole process group. */
export function killGroup(p: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (p.pid === undefined) return
  try {
    process.kill(-p.pid, signal)
  } catch {
    // already gone
  }
}

export function registerTempDir(dir: string): void {
  tempDirs.add(dir)
}

export function forgetTempDir(dir: string): void {
  tempDirs.delete(dir)
}

/** Synchronous, so it also works from the 'exit' event. */
export function killAllAndClean(): void {
  for (const pgid of groups) {
    try {
      process.kill(-pgid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
  groups.clear()
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true })
  tempDirs.clear()
}

/** Ctrl-C, SIGTERM and any exit path stop the children and remove the temp dirs. */
export function installCleanupHandlers(): void {
  process.on('exit', killAllAndClean)
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      process.stderr.write(`\n${sig}: stopping the benchmark's servers and imports, removing its temp dir\n`)
      killAllAndClean()
      process.exit(sig === 'SIGINT' ? 130 : 143)
    })
  }
}
