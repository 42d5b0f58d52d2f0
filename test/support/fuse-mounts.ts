/**
 * Real FAT32 and exFAT file systems for staging tests: an image file formatted with mkfs.vfat or
 * mkfs.exfat, mounted through FUSE (fusefat; exfat-fuse on a loop device), unmounted by the caller.
 * Needs root and the Debian packages dosfstools, fusefat, exfatprogs and exfat-fuse. Their absence is
 * an error, not a skip: CI runs as root with those packages, and a skipped staging test proves nothing.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readFile, mkdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

const TOOLS = ['mkfs.vfat', 'fusefat', 'mkfs.exfat', 'mount.exfat-fuse', 'losetup', 'umount', 'mount']

/** Throws naming what is missing (root, tools, /dev/fuse). */
export function requireFuseTools(): void {
  const missing: string[] = []
  if (process.getuid?.() !== 0) missing.push('root (these tests mount file systems)')
  for (const t of TOOLS) {
    try {
      execFileSync('sh', ['-c', `command -v ${t}`], { stdio: 'ignore' })
    } catch {
      missing.push(t)
    }
  }
  try {
    execFileSync('test', ['-c', '/dev/fuse'])
  } catch {
    missing.push('/dev/fuse')
  }
  if (missing.length)
    throw new Error(
      `staging tests need ${missing.join(', ')}: run as root with apt-get install dosfstools fusefat exfatprogs exfat-fuse`
    )
}

async function mounted(point: string): Promise<boolean> {
  const table = await readFile('/proc/self/mounts', 'utf8')
  return table.split('\n').some((l) => l.split(' ')[1] === point)
}

async function waitMounted(point: string, want = true): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await mounted(point)) === want) return
    await new Promise((r) => setTimeout(r, 25))
  }
  throw new Error(`${point} did not ${want ? 'mount' : 'unmount'} within 5 s`)
}

export interface FuseMount {
  point: string
  image: string
  /** the FUSE daemon (fusefat runs in the foreground so a test can kill it: a pulled stick) */
  daemon?: ChildProcess
  unmount(): Promise<void>
}

export async function mountFat32(dir: string, sizeMiB = 64): Promise<FuseMount> {
  const image = join(dir, 'fat32.img')
  const point = join(dir, 'fat32')
  await mkdir(point, { recursive: true })
  execFileSync('truncate', ['-s', `${sizeMiB}M`, image])
  // A label, as real sticks have: fusefat lists it as an empty file, which staging must accept.
  execFileSync('mkfs.vfat', ['-F', '32', '-n', 'MAASIMAGES', image], { stdio: 'ignore' })
  return attachFat32(image, point)
}

/** Mounts an existing FAT32 image (again, e.g. after the daemon was killed). */
export async function attachFat32(image: string, point: string): Promise<FuseMount> {
  const daemon = spawn('fusefat', ['-f', '-o', 'rw+', image, point], { stdio: 'ignore' })
  await waitMounted(point)
  return {
    point,
    image,
    daemon,
    async unmount() {
      if (await mounted(point)) execFileSync('umount', ['-l', point])
      daemon.kill('SIGTERM')
      await waitMounted(point, false)
    }
  }
}

export async function mountExfat(dir: string, sizeMiB = 32): Promise<FuseMount> {
  const image = join(dir, 'exfat.img')
  const point = join(dir, 'exfat')
  await mkdir(point, { recursive: true })
  execFileSync('truncate', ['-s', `${sizeMiB}M`, image])
  execFileSync('mkfs.exfat', ['-L', 'MAASIMAGES', image], { stdio: 'ignore' })
  const loop = execFileSync('losetup', ['-f', '--show', image], { encoding: 'utf8' }).trim()
  try {
    execFileSync('mount.exfat-fuse', [loop, point], { stdio: 'ignore' })
  } catch (err) {
    execFileSync('losetup', ['-d', loop])
    throw err
  }
  await waitMounted(point)
  return {
    point,
    image,
    async unmount() {
      if (await mounted(point)) execFileSync('umount', [point])
      execFileSync('losetup', ['-d', loop])
    }
  }
}

export async function mountTmpfs(point: string, bytes: number): Promise<FuseMount> {
  await mkdir(point, { recursive: true })
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', point])
  return {
    point,
    image: '',
    async unmount() {
      if (await mounted(point)) execFileSync('umount', [point])
    }
  }
}

const LYING_FS = join(__dirname, 'lying-fs.py')
const PYTHON = '/usr/bin/python3'

/** Throws naming what the lying stick needs and is missing (root, /dev/fuse, Debian's python3-fusepy). */
export function requireLyingFsTools(): void {
  const missing: string[] = []
  if (process.getuid?.() !== 0) missing.push('root (this test mounts a file system)')
  try {
    execFileSync('test', ['-c', '/dev/fuse'])
  } catch {
    missing.push('/dev/fuse')
  }
  try {
    execFileSync(PYTHON, ['-c', 'import fusepy'], { stdio: 'ignore' })
  } catch {
    missing.push(`${PYTHON} with fusepy`)
  }
  if (missing.length)
    throw new Error(
      `the lying-stick test needs ${missing.join(', ')}: run as root with apt-get install python3-fusepy`
    )
}

/**
 * A stick that stores the first byte of every file of a page or more flipped (except names ending in one of
 * `spared`), while the page cache keeps the
 * bytes it was given (test/support/lying-fs.py, mounted with kernel_cache). Its backing directory survives
 * an unmount, so `remount()` is the stick plugged in again at the site. `pull()` makes it a stick pulled
 * without unmounting: from then on every read of file data not already in the page cache fails with EIO,
 * while names and attributes still answer. `hang(endings)` makes it a stick that stops answering: a read of a
 * file whose name ends with one of `endings` (any file without) never returns, and the daemon, which answers
 * one request at a time, answers nothing else meanwhile; `hung()` settles once such a read is waiting.
 * `unmount()` of a stick that was hung kills its daemon first (every call waiting on it then fails) and
 * unmounts it lazily: a test that fails half-way leaves no hung mount behind.
 */
export async function mountLying(
  dir: string,
  opts: { name?: string; spared?: string[] } = {}
): Promise<
  FuseMount & {
    backing: string
    remount(): Promise<void>
    pull(): Promise<void>
    hang(endings?: string[]): Promise<void>
    hung(): Promise<void>
  }
> {
  const name = opts.name ?? 'lying'
  const backing = join(dir, `${name}-backing`)
  const point = join(dir, name)
  const pulled = join(dir, `${name}-pulled`)
  const hanging = join(dir, `${name}-hanging`)
  await mkdir(backing, { recursive: true })
  await mkdir(point, { recursive: true })
  let daemon: ChildProcess
  let wasHung = false
  const attach = async (): Promise<void> => {
    await rm(pulled, { force: true })
    await rm(hanging, { force: true })
    await rm(`${hanging}.hung`, { force: true })
    const args = [LYING_FS, backing, point, (opts.spared ?? []).join(',')]
    daemon = spawn(PYTHON, [...args, '--fail-when', pulled, '--hang-when', hanging], {
      stdio: ['ignore', 'ignore', 'inherit']
    })
    await waitMounted(point)
  }
  const detach = async (): Promise<void> => {
    if (wasHung) {
      // A read may be waiting on the daemon: a plain umount would wait or fail busy. Killing the daemon aborts
      // the FUSE connection (the waiting calls fail with ENOTCONN), and the lazy unmount detaches the rest.
      daemon.kill('SIGKILL')
      if (await mounted(point)) execFileSync('fusermount', ['-uz', point])
      wasHung = false
    } else {
      if (await mounted(point)) execFileSync('umount', [point])
      daemon.kill('SIGTERM')
    }
    await waitMounted(point, false)
  }
  await attach()
  return {
    point,
    image: '',
    backing,
    get daemon() {
      return daemon
    },
    unmount: detach,
    async remount() {
      await detach()
      await attach()
    },
    async pull() {
      await writeFile(pulled, '')
    },
    async hang(endings: string[] = []) {
      wasHung = true
      await writeFile(hanging, endings.join(','))
    },
    async hung() {
      // Waits on the daemon's marker, not on a clock: the caller's test timeout bounds it. Looked for without
      // the thread pool, whose threads the calls waiting on the hung stick may all hold.
      while (!existsSync(`${hanging}.hung`)) await new Promise((r) => setTimeout(r, 20))
    }
  }
}
