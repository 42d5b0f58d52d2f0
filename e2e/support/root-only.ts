/**
 * For specs that need root (attaching loop devices, mounting sticks): whether this run lacks it, and if so one
 * printed line saying what is skipped and why. Playwright's list reporter shows a skipped test without its
 * reason, and a skip must never be silent (CI runs these specs as root on Linux; on Windows and macOS they skip).
 */
export function lacksRoot(what: string): boolean {
  if (process.getuid?.() === 0) return false
  console.log(`SKIPPED on ${process.platform} (not root): ${what}`)
  return true
}
