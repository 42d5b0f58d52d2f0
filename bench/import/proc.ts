/** Child processes for the benchmark: plain runs, and runs measured by /usr/bin/time -v. */
import { spawn } from 'node:child_process'

export interface Timed {
  code: number
  wallS: number
  rssMb: number
}

export function run(
  argv: string[],
  cwd?: string,
  env?: Record<string, string>
): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(argv[0], argv.slice(1), {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let out = ''
    let err = ''
    p.stdout.on('data', (d) => (out += d))
    p.stderr.on('data', (d) => (err += d))
    p.on('error', reject)
    p.on('exit', (code) => {
      if (code !== 0 && !argv.includes('-v'))
        reject(new Error(`${argv.join(' ')} exited ${code}: ${err || out}`))
      else resolve({ code: code ?? -1, out, err })
    })
  })
}

/** Wall time and peak RSS as GNU time reports them (RSS of the largest process in the tree's wait). */
export async function timed(argv: string[], cwd?: string, env?: Record<string, string>): Promise<Timed> {
  const r = await run(['/usr/bin/time', '-v', ...argv], cwd, env)
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(r.err)
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.err)
  if (!wall || !rss) throw new Error(`no /usr/bin/time figures for ${argv.join(' ')}: ${r.err.slice(-500)}`)
  const wallS = Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3])
  if (r.code !== 0)
    process.stderr.write(
      `warning: ${argv[0]} exited ${r.code}: ${r.err.split('\n').slice(0, 5).join(' | ')}\n`
    )
  return { code: r.code, wallS, rssMb: Math.round(Number(rss[1]) / 1024) }
}
