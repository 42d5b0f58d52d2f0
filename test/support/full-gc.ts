/**
 * V8's collector for tests that check memory is let go, reached the way the CLI's heap governor reaches it
 * (src/main/cli/heap-governor.ts): the gc extension in a context of its own, the flag reset at once, so the
 * test process's global object gets no `gc`. Called with no argument it is a full mark-compact (in Node 20's
 * V8, `{ type: 'major' }` is a scavenge).
 */
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

export function fullGc(): () => void {
  setFlagsFromString('--expose-gc')
  try {
    return runInNewContext('gc') as () => void
  } finally {
    setFlagsFromString('--no-expose-gc')
  }
}
