import { describe, expect, it } from 'vitest'
import { parseOptions } from '../../bench/import/options'

describe('import benchmark options', () => {
  it('defaults to scale 0.25, two repetitions, both scenarios and every part', () => {
    const o = parseOptions([])
    expect(o.scales).toEqual([0.25])
    expect(o.reps).toBe(2)
    expect(o.scenarios).toEqual(['shaped', 'unshaped'])
    expect([...o.parts].sort()).toEqual(['catalogue', 'compare', 'lag', 'resume'])
    expect(o.tools).toBe('all')
  })

  it('takes --tools import (the import alone in compare) and rejects other tool sets', () => {
    expect(parseOptions(['--tools', 'import']).tools).toBe('import')
    expect(parseOptions(['--tools=all']).tools).toBe('all')
    expect(() => parseOptions(['--tools', 'aria2c'])).toThrow(/--tools takes all or import/)
  })

  it('takes --scale lists, --reps, --only and --parts, in both spellings', () => {
    const o = parseOptions([
      '--scale',
      '0.25,1.0',
      '--reps=3',
      '--only',
      'unshaped',
      '--parts=compare,resume'
    ])
    expect(o.scales).toEqual([0.25, 1])
    expect(o.reps).toBe(3)
    expect(o.scenarios).toEqual(['unshaped'])
    expect([...o.parts].sort()).toEqual(['compare', 'resume'])
  })

  it('honours BENCH_REPS and BENCH_PARTS, with flags taking precedence', () => {
    const o = parseOptions(['--reps', '4'], { BENCH_REPS: '1', BENCH_PARTS: 'lag' })
    expect(o.reps).toBe(4)
    expect([...o.parts]).toEqual(['lag'])
  })

  it('rejects what it cannot honour, naming the option', () => {
    expect(() => parseOptions(['--scale', '2'])).toThrow(/--scale/)
    expect(() => parseOptions(['--scale', '0'])).toThrow(/--scale/)
    expect(() => parseOptions(['--reps', '0'])).toThrow(/--reps/)
    expect(() => parseOptions(['--only', 'both'])).toThrow(/--only/)
    expect(() => parseOptions(['--parts', 'compare,speed'])).toThrow(/speed/)
    expect(() => parseOptions(['--reps'])).toThrow(/--reps needs a value/)
    expect(() => parseOptions(['--fast'])).toThrow(/unknown option "--fast"/)
  })
})
