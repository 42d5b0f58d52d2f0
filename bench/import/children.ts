/**
 * Every child the benchmark starts runs in its own process group and is recorded here, so a normal exit,
 * an error or Ctrl-C leaves no nginx, proxy or import behind. Temp dirs registered here are removed too.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process'
import { readdirSync, readFileSync, rmSync } from 'node:fs'

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

/**
 * CPU time (user + system, seconds) used so far by the live processes of a process group, from /proc (Linux;
 * NaN elsewhere): a server's share of the two cores while a client runs, read before and after. Clock ticks are
 * taken as 100 per second (USER_HZ on every Linux the benchmark runs on).
 */
export function groupCpuSeconds(pgid: number): number {
  if (process.platform !== 'linux') return NaN
  let ticks = 0
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      // Fields after the command name (which may hold spaces): state ppid pgrp ... utime(14) stime(15).
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      if (Number(f[2]) === pgid) ticks += Number(f[11]) + Number(f[12])
    } catch {
      // gone meanwhile
    }
  }
  return ticks / 100
}

/** The sum of the peak resident sets (VmHWM) of a process group's live processes, in MB (Linux; NaN elsewhere). */
export function groupPeakRssMb(pgid: number): number {
  if (process.platform !== 'linux') return NaN
  let kb = 0
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) !== pgid) continue
      const m = /^VmHWM:\s*(\d+) kB$/m.exec(readFileSync(`/proc/${name}/status`, 'utf8'))
      if (m) kb += Number(m[1])
    } catch {
      // gone meanwhile
    }
  }
  return Math.round(kb / 1024)
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
