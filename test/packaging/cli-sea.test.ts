/**
 * The CLI as the packages ship it: a single executable (packaging/build-cli-sea.mjs) in <install>/resources/cli/,
 * run with an empty PATH, so nothing from the machine (no node) can help it. It finds the bundled keyring in
 * <install>/resources/keyrings/, and the native modules in the node_modules beside it, or runs without them,
 * and never loads ones planted in a node_modules of a folder above it.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { onlyOn } from '../support/only-on'
import { generateStream, type GeneratedStream } from '../support/stream-generator'

const root = join(__dirname, '../..')
const work = mkdtempSync(join(tmpdir(), 'maas-images-cli-sea-'))
const resources = join(work, 'MAAS Images', 'resources')
const cliDir = join(resources, 'cli')
const exe = join(cliDir, process.platform === 'win32' ? 'maas-images.exe' : 'maas-images')
let stream: GeneratedStream
afterAll(() => rmSync(work, { recursive: true, force: true }))

// Building copies node (~100 MB) and injects the bundle: 10-20 s on a loaded machine.
beforeAll(async () => {
  mkdirSync(cliDir, { recursive: true })
  cpSync(join(root, 'resources/keyrings'), join(resources, 'keyrings'), { recursive: true })
  execFileSync(process.execPath, [join(root, 'packaging/build-cli-sea.mjs'), '--out', cliDir], {
    cwd: root,
    stdio: 'pipe'
  })
  stream = await generateStream({ dir: join(work, 'mirror') })
  // Planted where Node's resolution by name would look after the executable's own node_modules.
  for (const name of ['@napi-rs/keyring', '@ronomon/direct-io']) {
    const dir = join(work, 'node_modules', name)
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, main: 'index.js' }))
    const marker = join(work, `planted-${name.replace('/', '-')}-ran`)
    writeFileSync(join(dir, 'index.js'), `require('node:fs').writeFileSync(${JSON.stringify(marker)}, '')`)
  }
}, 300_000)

const plantedRan = (): string[] =>
  ['@napi-rs-keyring', '@ronomon-direct-io'].filter((n) => existsSync(join(work, `planted-${n}-ran`)))

/** Runs the executable with nothing on the PATH and no Node.js options from this process. */
function sea(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(exe, args, {
    cwd: work,
    encoding: 'utf8',
    // No D-Bus session either: the keyring library loads, the Secret Service is not there.
    env: {
      PATH: '',
      HOME: work,
      ...(process.platform === 'win32' ? { SystemRoot: process.env.SystemRoot } : {})
    }
  })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

/**
 * Runs `argv` (the executable, or a plain node for comparison) with sea-probe.cjs preloaded, which reports what
 * V8 looks like inside that process once the command is done.
 */
function probe<T>(mode: 'heap' | 'tuning', argv: string[]): T {
  const out = join(work, `probe-${mode}.json`)
  rmSync(out, { force: true })
  const r = spawnSync(argv[0], argv.slice(1), {
    cwd: work,
    encoding: 'utf8',
    env: {
      PATH: '',
      HOME: work,
      NODE_OPTIONS: `--require "${join(__dirname, 'sea-probe.cjs')}"`,
      SEA_PROBE: mode,
      SEA_PROBE_OUT: out,
      ...(process.platform === 'win32' ? { SystemRoot: process.env.SystemRoot } : {})
    }
  })
  expect(r.status, r.stderr).toBe(0)
  return JSON.parse(readFileSync(out, 'utf8')) as T
}

const MiB = 1 << 20

describe('the CLI as a single executable', () => {
  it('runs boot-sources read with an empty PATH and finds the bundled keyring', () => {
    const version = sea('--version')
    expect(version.status, version.stderr).toBe(0)
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/)
    const read = sea('--data-dir', join(work, 'data'), 'boot-sources', 'read')
    expect(read.status, read.stderr).toBe(0)
    expect(read.stderr).toBe('')
    const [source] = JSON.parse(read.stdout) as Array<{ url: string; keyring_filename: string }>
    expect(source.url).toBe('https://images.maas.io/ephemeral-v3/stable/')
    const system = '/usr/share/keyrings/ubuntu-cloudimage-keyring.gpg'
    expect(source.keyring_filename).toBe(
      existsSync(system) ? system : join(resources, 'keyrings', 'ubuntu-cloudimage-keyring.gpg')
    )
  })

  it('loads the native modules from the node_modules beside it, never from a folder above, and works without them', () => {
    const storage = (): string => {
      const r = sea('--data-dir', join(work, 'data-keyring'), 'settings', 'read')
      expect(r.status, r.stderr).toBe(0)
      return (JSON.parse(r.stdout) as { proxy_password_storage: { message: string } }).proxy_password_storage
        .message
    }
    const verifyDeep = (): string => {
      const r = sea(
        '--data-dir',
        join(work, 'data-verify'),
        'verify',
        join(work, 'mirror'),
        `keyring_filename=${stream.keyringPath}`,
        '--deep'
      )
      expect(r.status, r.stderr).toBe(0)
      return r.stderr.trim()
    }
    // Shipped beside it: the library loads; there is no Secret Service in this environment. direct-io reads
    // the files from the drive (the mirror is on the disk under the temporary folder, not a tmpfs).
    expect(storage()).toMatch(/settings\.json \(mode 0600\): no system keyring on this machine/)
    expect(verifyDeep()).toBe('maas-images: signed documents and image files read from the drive itself')
    const aside = join(work, 'node_modules-aside')
    renameSync(join(cliDir, 'node_modules'), aside)
    try {
      expect(storage()).toMatch(/settings\.json \(mode 0600\): no system keyring library/)
      expect(verifyDeep()).toBe(
        'maas-images: signed documents and image files read through the system cache only: the drive itself may not have been re-read'
      )
      expect(plantedRan()).toEqual([])
    } finally {
      renameSync(aside, join(cliDir, 'node_modules'))
    }
  })

  // Compared with a plain node running the same probe: what the executable holds beyond Node itself.
  it('compiles only the code a command runs, not the whole CLI at start', () => {
    const node = probe<{ heapUsed: number }>('heap', [process.execPath, '-e', '0'])
    const version = probe<{ heapUsed: number }>('heap', [exe, '--version'])
    // One script of the whole CLI, parsed at start, kept 5.5 MiB more (its source, every top-level function of
    // every module); loaded as files on demand, --version holds 2 MiB more than a bare node.
    expect(version.heapUsed - node.heapUsed).toBeLessThan(4 * MiB)
  })

  // Only Linux reports the file pages a process has resident; elsewhere this test says so and does not run.
  it.runIf(
    onlyOn(['linux'], "the CLI executable's resident file pages: only Linux reports them (/proc/self/status)")
  )('maps no more of its own file than a node does (Linux: /proc/self/status)', () => {
    const node = probe<{ rssFile: number }>('heap', [process.execPath, '-e', '0'])
    const version = probe<{ rssFile: number }>('heap', [exe, '--version'])
    // Written back by postject in one write, the just-built executable had 14 MB more resident (large folios
    // in the page cache); build-cli-sea.mjs copies it instead. The embedded CLI itself is under 2 MB.
    expect(version.rssFile - node.rssFile).toBeLessThan(6 * MiB)
  })

  it("runs with the CLI's V8 flags and heap governor", () => {
    const untuned = probe<{ newSpace: number; maxExternal: number }>('tuning', [process.execPath, '-e', '0'])
    const tuned = probe<{ newSpace: number; maxExternal: number }>('tuning', [exe, '--version'])
    // --semi-space-growth-factor=1: the young generation stays at its initial size instead of growing to 2 x 16 MiB.
    expect(untuned.newSpace).toBeGreaterThanOrEqual(16 * MiB)
    expect(tuned.newSpace).toBeLessThanOrEqual(4 * MiB)
    // The governor (with --no-concurrent-array-buffer-sweeping) frees dead 64 KiB buffers every 2 MiB; V8 alone
    // lets them reach its 64 MiB allowance.
    expect(untuned.maxExternal).toBeGreaterThanOrEqual(30 * MiB)
    expect(tuned.maxExternal).toBeLessThanOrEqual(20 * MiB)
  })
})
