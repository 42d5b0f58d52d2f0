/**
 * The link part prints, beside the import's share of the link's payload ceiling, the share its kill-loss
 * budget allows (bench/import/link.ts budgetBoundShare): the figure the 95 % target is read against.
 */
import { describe, expect, it } from 'vitest'
import { budgetBoundShare } from '../../bench/import/link'
import { killLossBudget } from '../../src/main/import/download/request-sizer'

describe('budgetBoundShare', () => {
  it('is B / (B + RTT x ceiling): the 0.25 workload at 800 and 2,000 Mbit/s', () => {
    const budget = killLossBudget(725.7e6) // 1.5 % of the run
    expect(budget).toBeCloseTo(10.89e6, -4)
    expect(budgetBoundShare(budget, 0.02, 50e6)).toBeCloseTo(0.916, 3)
    expect(budgetBoundShare(budget, 0.02, 125e6)).toBeCloseTo(0.813, 3)
  })

  it('grows with the run (a larger budget) and falls with a longer round trip or a faster link', () => {
    const small = budgetBoundShare(killLossBudget(725.7e6), 0.02, 50e6)
    const full = budgetBoundShare(killLossBudget(2902.9e6), 0.02, 50e6)
    expect(full).toBeCloseTo(0.978, 3)
    expect(full).toBeGreaterThan(small)
    expect(budgetBoundShare(10e6, 0.04, 50e6)).toBeLessThan(budgetBoundShare(10e6, 0.02, 50e6))
    expect(budgetBoundShare(10e6, 0.02, 100e6)).toBeLessThan(budgetBoundShare(10e6, 0.02, 50e6))
  })
})
