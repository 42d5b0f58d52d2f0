/**
 * A real Secret Service for a child process: a D-Bus session of its own (dbus-run-session) with
 * gnome-keyring-daemon, its login keyring created and unlocked with a throwaway password, in a HOME made for
 * the test. Ends with the child: dbus-run-session ends the bus, and the daemon with it.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, mkdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { systemTools } from './system-tools'

export const KEYRING_TOOLS = ['dbus-run-session', 'gnome-keyring-daemon']
export const KEYRING_PACKAGES = 'dbus-daemon gnome-keyring'

/** Undefined when the session can be made; else why the test is skipped (throws as root). */
export const keyringSessionMissing = (): string | undefined => systemTools(KEYRING_TOOLS, KEYRING_PACKAGES)

export interface ChildRun {
  code: number | null
  stdout: string
  stderr: string
}

const TSX = resolve(__dirname, '../../node_modules/.bin/tsx')

// Unlocking with a password on stdin creates the login keyring if there is none, as a desktop login does.
const SESSION =
  'eval "$(printf %s throwaway-login | gnome-keyring-daemon --unlock --components=secrets)" && exec "$@"'

/**
 * Runs `script` (TypeScript, through tsx) with `args` inside a fresh session whose Secret Service is
 * unlocked, or with `keyring: false` inside a session without one. `env` is added to a minimal environment.
 */
export async function runWithKeyring(
  script: string,
  args: string[],
  opts: { env?: Record<string, string>; keyring?: boolean } = {}
): Promise<ChildRun> {
  const home = await mkdtemp(join(tmpdir(), 'maas-images-keyring-home-'))
  const runtime = join(home, 'run')
  await mkdir(runtime, { mode: 0o700 })
  try {
    const command = opts.keyring === false ? ['sh', '-c', 'exec "$@"', 'sh'] : ['sh', '-c', SESSION, 'sh']
    const child = spawn('dbus-run-session', ['--', ...command, TSX, script, ...args], {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: home,
        XDG_DATA_HOME: join(home, 'data'),
        XDG_RUNTIME_DIR: runtime,
        ...opts.env
      },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const code = await new Promise<number | null>((done, fail) => {
      child.on('error', fail)
      child.on('close', (c) => done(c))
    })
    return { code, stdout, stderr }
  } finally {
    await rm(home, { recursive: true, force: true })
  }
}
