/**
 * For tests that can only run on some operating systems: whether this one is among them, and when it is not,
 * a printed line saying what is skipped and why (CI runs the unit tests on Windows and macOS too, and a skip
 * must never be silent). Use: describe.runIf(onlyOn(['linux'], 'what: why'))(…).
 */
export function onlyOn(platforms: NodeJS.Platform[], what: string): boolean {
  if (platforms.includes(process.platform)) return true
  console.warn(`SKIPPED on ${process.platform}: ${what}`)
  return false
}

export const NOT_WINDOWS: NodeJS.Platform[] = ['linux', 'darwin', 'freebsd', 'openbsd', 'sunos', 'aix']
