/** Child processes for the benchmark: plain runs, and runs measured by /usr/bin/time -v, each with a time limit. */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { killGroup, spawnGroup } from './children'

export interface Timed {
  code: number
  wallS: number
  rssMb: number
  /** user + system CPU seconds of the process and the children it waited for */
  cpuS: number
  /** what the measured program wrote to stderr (GNU time's report goes to a file of its own) */
  stderr?: string
  stdout?: string
}

export interface RunOptions {
  cwd?: string
  env?: Record<string, string>
  /** the process group is killed after this long and the run fails naming the command */
  timeoutS?: number
  /** resolve with the exit code instead of rejecting on a non-zero one */
  allowFailure?: boolean
}

/**
 * The proxy settings every measured client gets: none, so an http_proxy in the caller's environment cannot
 * route loopback traffic elsewhere or favour one client.
 */
export const DIRECT_ENV: Record<string, string> = {
  http_proxy: '',
  https_proxy: '',
  HTTP_PROXY: '',
  HTTPS_PROXY: '',
  all_proxy: '',
  ALL_PROXY: '',
  no_proxy: '127.0.0.1,localhost',
  NO_PROXY: '127.0.0.1,localhost'
}

const DEFAULT_TIMEOUT_S = 300

export function run(
  argv: string[],
  opts: RunOptions = {}
): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const p = spawnGroup(argv[0], argv.slice(1), {
      cwd: opts.cwd,
      env: { ...process.env, ...DIRECT_ENV, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let out = ''
    let err = ''
    let timedOut = false
    const limit = opts.timeoutS ?? DEFAULT_TIMEOUT_S
    const timer = setTimeout(() => {
      timedOut = true
      killGroup(p)
    }, limit * 1000)
    p.stdout!.on('data', (d) => (out += d))
    p.stderr!.on('data', (d) => (err += d))
    p.on('error', (e) => {
      clearTimeout(timer)
      reject(new Error(`cannot start ${argv[0]}: ${e.message}`))
    })
    p.on('close', (code) => {
      clearTimeout(timer)
      if (timedOut) reject(new Error(`${argv.join(' ')} did not finish within ${limit} s and was killed`))
      else if (code !== 0 && !opts.allowFailure)
        reject(new Error(`${argv.join(' ')} exited ${code}: ${(err || out).slice(-2000)}`))
      else resolve({ code: code ?? -1, out, err })
    })
  })
}

/** Wall time and peak RSS as GNU time reports them (the largest RSS of the processes it waited for). */
export async function timed(argv: string[], opts: RunOptions = {}): Promise<Timed> {
  // The report in a file of its own, so the program's stderr is measured as the admin would see it.
  const dir = await mkdtemp(join(tmpdir(), 'maas-bench-time-'))
  const report = join(dir, 'time.txt')
  let r: { code: number; out: string; err: string }
  let text: string
  try {
    r = await run(['/usr/bin/time', '-v', '-o', report, ...argv], { ...opts, allowFailure: true })
    text = await readFile(report, 'utf8').catch(() => '')
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(text)
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(text)
  const user = /User time \(seconds\): ([\d.]+)/.exec(text)
  const sys = /System time \(seconds\): ([\d.]+)/.exec(text)
  if (!wall || !rss)
    throw new Error(`no /usr/bin/time figures for ${argv.join(' ')}: ${(text + r.err).slice(-500)}`)
  const wallS = Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3])
  if (r.code !== 0)
    process.stderr.write(
      `warning: ${argv[0]} exited ${r.code}: ${r.err.split('\n').slice(0, 5).join(' | ')}\n`
    )
  const cpuS = Number(user?.[1] ?? NaN) + Number(sys?.[1] ?? NaN)
  return { code: r.code, wallS, rssMb: Math.round(Number(rss[1]) / 1024), cpuS, stderr: r.err, stdout: r.out }
}
