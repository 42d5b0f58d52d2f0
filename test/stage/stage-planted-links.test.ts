/**
 * A staging target is as untrusted as a remote mirror: an ext4 disk someone hands you, or a shared /srv/www tree
 * staged with sudo. Whatever is planted on it (links at temp names, a folder that is a link, FIFOs at temp, final
 * or lock names) must never make staging write outside the target, hang, or leave its lock behind. End to end
 * through the CLI on a generated signed stream; symlinks and FIFOs in a mkdtemp folder need no root.
 */
import { execFileSync, spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { lstat, mkdir, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STAGING_LOCK_FILE } from '../../src/main/stage/target-lock'
import { cli } from '../cli/cli-helpers'
import { streamEnv, type StreamEnv } from '../import/engine-fixture'
import { tempDir } from '../import/helpers'

const TMP = '.maas-images-tmp'
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex')

let env: StreamEnv
let tmp: string
let data: string
let n = 0

/** A fresh folder for one target, and one for what lies "outside" it. */
async function dirs(): Promise<{ target: string; outside: string }> {
  const base = join(tmp, `case-${++n}`)
  const target = join(base, 'target')
  const outside = join(base, 'outside')
  await mkdir(target, { recursive: true })
  await mkdir(outside, { recursive: true })
  return { target, outside }
}

async function stageInProcess(target: string) {
  return cli(data, 'stage', target)
}

const mkfifo = (path: string): void => {
  execFileSync('mkfifo', [path])
}

interface Run {
  code: number | null
  signal: NodeJS.Signals | null
  stderr: string
  /** ms from the "checking what is already on the target" line (lock taken) to the exit */
  afterChecking: number | null
  /** what the test had to do because the process did not end by itself */
  forced: string[]
}

/**
 * The real CLI entry (src/main/cli.ts, with its own SIGINT/SIGTERM handling) in a child process. A run that has
 * not ended `patienceMs` after it started gets SIGTERM, then SIGKILL 10 s later; `forced` says so.
 * `onChecking` runs when staging prints its first line (the lock is held by then).
 */
function stageProcess(
  target: string,
  opts: { patienceMs?: number; onChecking?: (pid: number) => void } = {}
): Promise<Run> {
  const entry = resolve(__dirname, '../../src/main/cli.ts')
  // node itself with tsx's loader, not the tsx wrapper: the signals below must reach the CLI's own process,
  // not a parent that relays them (and may exit before it has).
  const child = spawn(process.execPath, ['--import', 'tsx', entry, '--data-dir', data, 'stage', target], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_PROXY: '*', no_proxy: '*' }
  })
  let stderr = ''
  let checkingAt: number | null = null
  const forced: string[] = []
  const timers: NodeJS.Timeout[] = []
  child.stdout.resume()
  const patience = opts.patienceMs ?? 30_000
  timers.push(
    setTimeout(() => {
      forced.push(`still running ${patience} ms after it started: sent SIGTERM`)
      child.kill('SIGTERM')
      timers.push(
        setTimeout(() => {
          forced.push('SIGTERM did not end it within 10 s: sent SIGKILL')
          child.kill('SIGKILL')
        }, 10_000)
      )
    }, patience)
  )
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString()
    if (checkingAt === null && stderr.includes('checking what is already on the target')) {
      checkingAt = Date.now()
      opts.onChecking?.(child.pid!)
    }
  })
  return new Promise((ok, fail) => {
    child.on('error', fail)
    child.on('close', (code, signal) => {
      for (const t of timers) clearTimeout(t)
      ok({
        code,
        signal,
        stderr,
        afterChecking: checkingAt === null ? null : Date.now() - checkingAt,
        forced
      })
    })
  })
}

beforeAll(async () => {
  env = await streamEnv(0.002, ['noble'])
  tmp = await tempDir('stage-links-')
  data = join(tmp, 'data')
  for (const args of [
    ['boot-source', 'update', '1', `url=${env.server.url}`, `keyring_filename=${env.gen.keyringPath}`],
    ['boot-resources', 'import', '--wait']
  ]) {
    const r = await cli(data, ...args)
    expect(r.code, r.stdout + r.stderr).toBe(0)
  }
}, 120_000)

afterAll(async () => {
  await env?.close().catch(() => undefined)
  if (tmp) await rm(tmp, { recursive: true, force: true })
})

/** A target staged once, as a stick that comes back for an update. */
async function stagedTarget(): Promise<{ target: string; outside: string }> {
  const d = await dirs()
  const r = await stageInProcess(d.target)
  expect(r.code, r.stderr).toBe(0)
  return d
}

describe('links planted at the names staging writes', () => {
  it('a link at streams/v1/index.sjson.maas-images-tmp: the file it points at is untouched, the link replaced', async () => {
    const { target, outside } = await stagedTarget()
    const victim = join(outside, 'precious.conf')
    await writeFile(victim, 'do not overwrite me\n')
    // The index is always written last; remove it so this staging writes it again.
    await rm(join(target, 'streams/v1/index.sjson'))
    await symlink(victim, join(target, `streams/v1/index.sjson${TMP}`))
    const r = await stageInProcess(target)
    expect(r.code, r.stderr).toBe(0)
    expect(await readFile(victim, 'utf8')).toBe('do not overwrite me\n')
    const index = join(target, 'streams/v1/index.sjson')
    expect((await lstat(index)).isFile()).toBe(true)
    expect((await readFile(index)).equals(await readFile(join(env.dir, 'streams/v1/index.sjson')))).toBe(true)
    expect(existsSync(join(target, `streams/v1/index.sjson${TMP}`))).toBe(false)
  })

  it('a link at README.txt.maas-images-tmp: the file it points at is untouched', async () => {
    const { target, outside } = await stagedTarget()
    const victim = join(outside, 'authorized_keys')
    await writeFile(victim, 'ssh-ed25519 AAAA admin\n')
    await symlink(victim, join(target, `README.txt${TMP}`))
    const r = await stageInProcess(target)
    expect(r.code, r.stderr).toBe(0)
    expect(await readFile(victim, 'utf8')).toBe('ssh-ed25519 AAAA admin\n')
    expect((await lstat(join(target, 'README.txt'))).isFile()).toBe(true)
    expect(await readFile(join(target, 'README.txt'), 'utf8')).toMatch(/^MAAS boot images/)
  })

  for (const folder of ['noble', 'streams']) {
    it(`a target folder ${folder} that is a link to another folder is refused by name; nothing lands there`, async () => {
      const { target, outside } = await stagedTarget()
      await rm(join(target, folder), { recursive: true })
      await symlink(outside, join(target, folder))
      const r = await stageInProcess(target)
      expect(r.code).not.toBe(0)
      expect(r.stderr).toContain(
        `refusing to stage: ${join(target, folder)} is a link where a folder should be; ` +
          'staging never writes through links'
      )
      expect(await readdir(outside)).toEqual([])
      expect(existsSync(join(target, STAGING_LOCK_FILE))).toBe(false)
    })
  }

  it('a link at an item’s final name, to a file elsewhere with the right bytes, is not "already there"', async () => {
    const { target, outside } = await stagedTarget()
    const item = env.gen.items.find((i) => i.path.startsWith('noble/') && existsSync(join(target, i.path)))!
    const copy = join(outside, 'same-bytes')
    const bytes = await readFile(join(target, item.path))
    await writeFile(copy, bytes)
    await rm(join(target, item.path))
    await symlink(copy, join(target, item.path))
    const r = await stageInProcess(target)
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({ files_copied: 1 })
    // The stick holds the file itself, not a link to this machine; the file elsewhere is as it was.
    expect((await lstat(join(target, item.path))).isFile()).toBe(true)
    expect(sha256(await readFile(join(target, item.path)))).toBe(item.sha256)
    expect((await readFile(copy)).equals(bytes)).toBe(true)
  })
})

describe('FIFOs planted on the target', () => {
  it('a FIFO at a temp name is refused by name without being opened, and the lock is removed', async () => {
    const { target } = await stagedTarget()
    await rm(join(target, 'streams/v1/index.sjson'))
    const fifo = join(target, `streams/v1/index.sjson${TMP}`)
    mkfifo(fifo)
    const r = await stageProcess(target)
    expect(r.forced, r.stderr).toEqual([])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(`refusing to stage: ${fifo} is a FIFO (named pipe) where a file should be`)
    // Refused from an lstat, before anything is opened: well under a second on an idle machine, more under load.
    // Opened, the FIFO would block the stage until the 30 s patience ended it by force (r.forced above).
    console.log(`FIFO at a temp name: refused ${r.afterChecking} ms after staging reported its first line`)
    expect(existsSync(join(target, STAGING_LOCK_FILE))).toBe(false)
    expect((await lstat(fifo)).isFIFO()).toBe(true)
  }, 60_000)

  it('a FIFO at a final name in incremental staging is refused by name, not replaced or opened', async () => {
    const { target } = await stagedTarget()
    const item = env.gen.items.find((i) => i.path.startsWith('noble/') && existsSync(join(target, i.path)))!
    const fifo = join(target, item.path)
    await rm(fifo)
    mkfifo(fifo)
    const r = await stageProcess(target)
    expect(r.forced, r.stderr).toEqual([])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(`refusing to stage: ${fifo} is a FIFO (named pipe) where a file should be`)
    expect(existsSync(join(target, STAGING_LOCK_FILE))).toBe(false)
  }, 60_000)

  it('a FIFO at the lock name is refused by name, never opened', async () => {
    const { target } = await dirs()
    const fifo = join(target, STAGING_LOCK_FILE)
    mkfifo(fifo)
    const r = await stageProcess(target)
    expect(r.forced, r.stderr).toEqual([])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(`the staging lock ${fifo} is a FIFO (named pipe)`)
  }, 60_000)
})

describe('Ctrl-C and SIGTERM', () => {
  it('SIGTERM during staging ends the process, removes the lock and leaves no temp file', async () => {
    // The child is stopped (SIGSTOP) the moment it reports holding the lock, sent SIGTERM, and let go: the signal
    // then lands mid-staging however fast this machine copies.
    let attempt = 0
    for (;;) {
      const { target } = await dirs()
      let stillStaging = false
      const r = await stageProcess(target, {
        onChecking: (pid) => {
          process.kill(pid, 'SIGSTOP')
          stillStaging = existsSync(join(target, STAGING_LOCK_FILE))
          process.kill(pid, 'SIGTERM')
          process.kill(pid, 'SIGCONT')
        }
      })
      if (!stillStaging && r.code === 0 && ++attempt < 3) continue // finished before the stop landed
      expect(stillStaging, r.stderr).toBe(true)
      expect(r.forced, r.stderr).toEqual([])
      expect(r.stderr).toMatch(/cancelled|stopped/)
      expect(r.code).not.toBe(0)
      expect(existsSync(join(target, STAGING_LOCK_FILE))).toBe(false)
      const left: string[] = []
      const walk = async (d: string): Promise<void> => {
        for (const e of await readdir(d, { withFileTypes: true }))
          if (e.isDirectory()) await walk(join(d, e.name))
          else if (e.name.endsWith(TMP)) left.push(join(d, e.name))
      }
      await walk(target)
      expect(left).toEqual([])
      break
    }
  }, 120_000)
})
