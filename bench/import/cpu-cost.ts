/**
 * CPU per verified byte: what hashing alone spends on the same files, the floor of any client that checks.
 * Two figures, since they differ by ~7x on a CPU with SHA extensions: sha256sum (coreutils' own sha-256,
 * no SHA-NI), and OpenSSL's (`openssl dgst -sha256`: the library Node's crypto, and so the import's hash
 * worker, calls, which uses SHA-NI where the CPU has it).
 */
import { spawnSync } from 'node:child_process'
import { MB } from './context'
import { timed } from './proc'

/** ns of CPU per byte of `bytes`, from a measured CPU time in seconds. */
export const nsPerByte = (cpuS: number, bytes: number): number => (cpuS * 1e9) / bytes

/** `argv` over `paths` (from the page cache: run twice, the second run counted), CPU ns per byte. */
async function hashCost(
  argv: string[],
  paths: string[],
  bytes: number
): Promise<{ ns: number; text: string }> {
  await timed([...argv, ...paths], { timeoutS: 600 })
  const t = await timed([...argv, ...paths], { timeoutS: 600 })
  const ns = nsPerByte(t.cpuS, bytes)
  return {
    ns,
    text: `${ns.toFixed(2)} ns/byte (cpu ${t.cpuS.toFixed(2)} s for ${(bytes / MB).toFixed(1)} MB, wall ${t.wallS.toFixed(2)} s)`
  }
}

/** sha256sum's and OpenSSL's CPU per byte over `paths`, as one line each. */
export async function sha256sumNsPerByte(
  paths: string[],
  bytes: number
): Promise<{ ns: number; line: string }> {
  const coreutils = await hashCost(['sha256sum'], paths, bytes)
  const lines = [`sha256sum alone over the same files: ${coreutils.text}`]
  if (spawnSync('openssl', ['version']).status === 0) {
    const openssl = await hashCost(['openssl', 'dgst', '-sha256'], paths, bytes)
    lines.push(
      `openssl dgst -sha256 (the import's hash: OpenSSL, SHA-NI where the CPU has it): ${openssl.text}`
    )
  } else lines.push('openssl is not installed: no figure for the sha-256 the import computes')
  return { ns: coreutils.ns, line: lines.join('\n  ') }
}
