/**
 * The rule for tests that need system tools (gnome-keyring, squid, ...): as root, where CI runs the system
 * project with the tools installed, a missing tool is a failure naming it and its package; as another user
 * the test may be skipped, and the reason says what it needs.
 */
import { execFileSync } from 'node:child_process'

/** Undefined when every tool is there; else the reason to skip (not root). Throws as root. */
export function systemTools(tools: string[], packages: string): string | undefined {
  const missing = tools.filter((tool) => {
    try {
      execFileSync('sh', ['-c', 'command -v "$1"', 'sh', tool], { stdio: 'ignore' })
      return false
    } catch {
      return true
    }
  })
  if (!missing.length) return undefined
  const why = `this test needs ${missing.join(', ')}: apt-get install ${packages}`
  if (process.getuid?.() === 0) throw new Error(why)
  return why
}
