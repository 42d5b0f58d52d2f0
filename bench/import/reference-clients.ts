/**
 * The tools an admin would use for the same work, in their best configuration: aria2c splitting every file
 * over 1 MiB across 8 connections (-k1M; its default 20 MiB leaves most files unsplit), with and without
 * per-file sha-256 checks, and 8 parallel curl followed by sha256sum.
 */
import { stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

export interface PayloadFile {
  /** stream-root relative */
  path: string
  sha256: string
  size: number
}

export interface ReferenceClient {
  key: 'aria2c' | 'aria2c-sha256' | 'curl'
  label: string
  /** writes the client's input files under `work` and returns what to run, in `outDir` */
  prepare(url: string, files: PayloadFile[], work: string, outDir: string): Promise<string[]>
}

const ARIA_COMMON = [
  '-j8',
  '-x8',
  '-s8',
  '-k1M',
  '--no-conf=true',
  '--file-allocation=none',
  '--console-log-level=warn',
  '--summary-interval=0',
  '--download-result=hide',
  '--allow-overwrite=true',
  '--auto-file-renaming=false'
]

/** aria2c's input file: one URI per entry with its per-URI options indented below it. */
export function aria2Input(url: string, files: PayloadFile[], checks: boolean): string {
  return files
    .map((f) => `${url}${f.path}\n  out=${f.path}\n${checks ? `  checksum=sha-256=${f.sha256}\n` : ''}`)
    .join('')
}

function aria2(checks: boolean): ReferenceClient {
  return {
    key: checks ? 'aria2c-sha256' : 'aria2c',
    label: checks ? 'aria2c -k1M + sha-256' : 'aria2c -k1M, no checks',
    async prepare(url, files, work, outDir) {
      const input = join(work, checks ? 'aria-checked.txt' : 'aria.txt')
      await writeFile(input, aria2Input(url, files, checks))
      return ['aria2c', ...ARIA_COMMON, `--input-file=${input}`, `--dir=${outDir}`]
    }
  }
}

const curlThenSha256sum: ReferenceClient = {
  key: 'curl',
  label: '8 x curl + sha256sum',
  async prepare(url, files, work, outDir) {
    const list = join(work, 'curl.txt')
    const sums = join(work, 'sums.txt')
    await writeFile(list, files.map((f) => `${url}${f.path} ${f.path}\n`).join(''))
    await writeFile(sums, files.map((f) => `${f.sha256}  ${f.path}\n`).join(''))
    return [
      'bash',
      '-c',
      `cd ${outDir} && xargs -P8 -n2 sh -c 'mkdir -p "$(dirname "$2")" && curl -sSf -o "$2" "$1"' _ < ${list} && sha256sum --quiet -c ${sums}`
    ]
  }
}

export const REFERENCE_CLIENTS: ReferenceClient[] = [aria2(false), aria2(true), curlThenSha256sum]

/** The first file missing or of the wrong size in `outDir`, as a sentence; undefined when all are there. */
export async function missingOutput(outDir: string, files: PayloadFile[]): Promise<string | undefined> {
  for (const f of files) {
    const s = await stat(join(outDir, f.path)).catch(() => undefined)
    if (!s) return `${f.path} missing`
    if (s.size !== f.size) return `${f.path} has ${s.size} bytes, expected ${f.size}`
  }
  return undefined
}
