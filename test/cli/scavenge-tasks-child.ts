/**
 * Child process for v8-tuning.test.ts: with argv[2] === 'tuned' it applies the CLI's V8 flags first, then
 * churns short-lived objects with a survivor window (so its scavenges have objects to copy) under V8's own
 * traces, which it leaves on stdout: a "scavenge[...]: time=..." line per scavenger task, then each
 * collection's own "Scavenge ..." line.
 */
import { setFlagsFromString } from 'node:v8'
import { V8_FLAGS } from '../../src/main/cli/v8-tuning'

if (process.argv[2] === 'tuned') for (const flag of V8_FLAGS) setFlagsFromString(flag)
setFlagsFromString('--trace-parallel-scavenge')
setFlagsFromString('--trace-gc')

const window: object[] = []
for (let i = 0; i < 2_000_000; i++) {
  window.push({ i, s: `item ${i}` })
  if (window.length > 100_000) window.splice(0, 50_000)
}
