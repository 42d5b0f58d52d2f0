/**
 * A real squid for proxy tests: its own instance (never the system service) with a generated config in a
 * temp dir, on a free loopback port, requiring basic auth (basic_ncsa_auth, a password file made by
 * htpasswd), caching nothing, resolving test host names from its own hosts file, and logging each request's
 * method, URL, status and Range header. Squid's stock config denies requests to localhost; this one does
 * not, so it forwards to a test server on 127.0.0.1.
 */
import { execFileSync, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import net, { type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { systemTools } from './system-tools'

const NCSA = '/usr/lib/squid/basic_ncsa_auth'

/** Undefined when squid can run here; else why the test is skipped (throws as root). */
export function squidMissing(): string | undefined {
  const why = systemTools(['squid', 'htpasswd'], 'squid apache2-utils')
  if (why || existsSync(NCSA)) return why
  const missing = `this test needs ${NCSA}: apt-get install squid`
  if (process.getuid?.() === 0) throw new Error(missing)
  return missing
}

export interface Squid {
  /** http://127.0.0.1:PORT, no credentials */
  url: string
  port: number
  /** "GET http://host/path 206 bytes=10-" per request, once squid has logged it */
  accessLog(): Promise<string[]>
  close(): Promise<void>
}

async function freePort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((done) => server.close(() => done()))
  return port
}

export async function startSquid(opts: {
  user: string
  password: string
  /** host name -> address, as squid resolves them */
  hosts: Record<string, string>
}): Promise<Squid> {
  const dir = await mkdtemp(join(tmpdir(), 'maas-images-squid-'))
  const passwd = join(dir, 'passwd')
  // The password on stdin (-i), never on a command line.
  execFileSync('htpasswd', ['-i', '-c', passwd, opts.user], {
    input: opts.password,
    stdio: ['pipe', 'ignore', 'pipe']
  })
  await writeFile(
    join(dir, 'hosts'),
    Object.entries(opts.hosts)
      .map(([h, a]) => `${a} ${h}\n`)
      .join('')
  )
  const port = await freePort()
  const log = join(dir, 'access.log')
  const root = process.getuid?.() === 0
  await writeFile(
    join(dir, 'squid.conf'),
    [
      `http_port 127.0.0.1:${port}`,
      `pid_filename ${join(dir, 'squid.pid')}`,
      `cache_log ${join(dir, 'cache.log')}`,
      'logformat ranges %rm %ru %>Hs %{Range}>h',
      `access_log stdio:${log} ranges`,
      'cache deny all',
      `coredump_dir ${dir}`,
      'netdb_filename none',
      'pinger_enable off',
      `hosts_file ${join(dir, 'hosts')}`,
      `auth_param basic program ${NCSA} ${passwd}`,
      'auth_param basic realm maas-images-test',
      'acl authed proxy_auth REQUIRED',
      // No "deny to_localhost" as in the stock config: the origin is a test server on 127.0.0.1.
      'http_access allow authed',
      'http_access deny all',
      'shutdown_lifetime 0 seconds',
      // As root squid switches to this user, which must then own its files.
      ...(root ? ['cache_effective_user proxy'] : [])
    ].join('\n') + '\n'
  )
  if (root) {
    const uid = Number(execFileSync('id', ['-u', 'proxy'], { encoding: 'utf8' }))
    const gid = Number(execFileSync('id', ['-g', 'proxy'], { encoding: 'utf8' }))
    for (const f of ['', 'passwd', 'hosts', 'squid.conf']) await chown(join(dir, f), uid, gid)
  }
  const child = spawn('squid', ['-N', '-d', '1', '-f', join(dir, 'squid.conf')], {
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  const exited = new Promise<void>((done) => child.on('exit', () => done()))
  await new Promise<void>((ready, fail) => {
    const seen = (d: Buffer) => {
      output += d
      if (output.includes('Accepting HTTP Socket connections')) ready()
    }
    child.stdout.on('data', seen)
    child.stderr.on('data', seen)
    child.on('exit', (code) =>
      fail(new Error(`squid exited (${code}) before accepting connections:\n${output}`))
    )
  })
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    async accessLog() {
      const text = await readFile(log, 'utf8').catch(() => '')
      return text.split('\n').filter(Boolean)
    },
    async close() {
      // Nothing is cached, so nothing is lost by not waiting for squid's own shutdown.
      child.kill('SIGKILL')
      await exited
      await rm(dir, { recursive: true, force: true })
    }
  }
}
