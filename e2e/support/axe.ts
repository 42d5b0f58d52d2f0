/**
 * An axe-core audit of what the page shows now: specs call it on each screen and state they reach,
 * so accessibility is checked, not hoped for. Any violation fails the spec with its rule, impact and
 * the elements concerned.
 *
 * axe is evaluated in the page directly (DevTools evaluation is not subject to the page's strict
 * CSP), which works the same for the Electron window and for browser mode's page, where
 * AxeBuilder insists on a page made by browser.newContext().
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Page } from '@playwright/test'
import { expect } from '../fixtures'

const axeSource = readFileSync(createRequire(__filename).resolve('axe-core/axe.min.js'), 'utf8')

interface Violation {
  id: string
  impact: string | null
  help: string
  nodes: Array<{ target: string[] }>
}

export async function expectNoAxeViolations(page: Page, state: string): Promise<void> {
  // globalThis is the page's window there; e2e code is typed for Node, without the DOM library.
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(axeSource)
  // Audit the settled page: axe reads the computed colour now, and half-way through Vanilla's colour
  // transition (a button just turned .p-button--negative) that colour fails the contrast rule although
  // nobody reads it. Only transitions are awaited: spinners animate for ever.
  await page.evaluate(async () => {
    interface Running {
      finished: Promise<unknown>
      constructor: { name: string }
    }
    const doc = (globalThis as unknown as { document: { getAnimations(): Running[] } }).document
    const transitions = doc.getAnimations().filter((a) => a.constructor.name === 'CSSTransition')
    await Promise.all(transitions.map((a) => a.finished.catch(() => undefined)))
  })
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: Violation[] }> } }).axe
    const result = await axe.run()
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.map(String) }))
    }))
  })
  const found = violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join('; ')}`
  )
  expect(found, `axe violations on ${state}`).toEqual([])
}
