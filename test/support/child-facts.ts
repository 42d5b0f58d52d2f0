/**
 * The end of a child process a test spawns to look at something from outside (its own D-Bus session, its
 * own environment): what `observe` saw goes to stdout as one JSON line and the child exits 0; a failure goes
 * to stderr with its stack and the child exits 1, so the parent test shows why.
 */
export function printFacts(observe: () => Promise<unknown>): void {
  observe().then(
    (facts) => {
      process.stdout.write(JSON.stringify(facts) + '\n')
      process.exit(0)
    },
    (err) => {
      process.stderr.write(`${(err as Error).stack ?? String(err)}\n`)
      process.exit(1)
    }
  )
}
