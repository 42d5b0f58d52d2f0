/**
 * V8 settings for the CLI process, applied by its entry before anything else is loaded.
 *
 * The young generation: V8 starts it at 1 MiB per semi-space and doubles it, up to 16 MiB, each time a
 * scavenge finds much of it alive. An import allocates JS objects fast (per socket chunk, per request)
 * and keeps few of them, so the young generation grows to its maximum within the first second and then
 * holds 32 MiB of touched pages for the rest of the run, about a quarter of the import's peak RSS, for
 * nothing: with a growth factor of 1 it stays at its initial size. Smaller semi-spaces also mean more
 * frequent scavenges, and a scavenge is what frees the 64 KiB socket-read buffers that die young (see
 * docs/performance.md, "Memory").
 *
 * The flag is read when the young generation would grow, not only at start-up, so setting it here works
 * (test/main/v8-tuning.test.ts checks it on a real process). Worker threads started later share it.
 */
import { setFlagsFromString } from 'node:v8'

export const V8_FLAGS = ['--semi-space-growth-factor=1'] as const

export function tuneV8ForCli(): void {
  for (const flag of V8_FLAGS) setFlagsFromString(flag)
}
