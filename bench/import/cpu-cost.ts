/** CPU per verified byte: what sha256sum alone spends on the same files, the floor of any client that checks. */
import { MB } from './context'
import { timed } from './proc'

/** ns of CPU per byte of `bytes`, from a measured CPU time in seconds. */
export const nsPerByte = (cpuS: number, bytes: number): number => (cpuS * 1e9) / bytes

/** sha256sum over `paths` (from the page cache: read twice, the second run counted), CPU ns per byte. */
export async function sha256sumNsPerByte(
  paths: string[],
  bytes: number
): Promise<{ ns: number; line: string }> {
  await timed(['sha256sum', ...paths], { timeoutS: 600 })
  const t = await timed(['sha256sum', ...paths], { timeoutS: 600 })
  const ns = nsPerByte(t.cpuS, bytes)
  return {
    ns,
    line: `sha256sum alone over the same files: ${ns.toFixed(2)} ns/byte (cpu ${t.cpuS.toFixed(2)} s for ${(bytes / MB).toFixed(1)} MB, wall ${t.wallS.toFixed(2)} s)`
  }
}
