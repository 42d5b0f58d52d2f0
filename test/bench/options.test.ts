import { describe, expect, it } from 'vitest'
import { parseOptions } from '../../bench/import/options'

describe('import benchmark options', () => {
  it('defaults to scale 0.25, two repetitions, both scenarios and every part', () => {
    const o = parseOptions([])
    expect(o.scales).toEqual([0.25])
    expect(o.reps).toBe(2)
    expect(o.scenarios).toEqual(['shaped', 'unshaped'])
    expect([...o.parts].sort()).toEqual(['catalogue', 'compare', 'lag', 'link', 'offline', 'resume'])
    expect(o.linkCeiling).toBeUndefined()
    expect(o.tools.size).toBe(6)
  })

  it('takes --tools to measure only some clients, and refuses unknown ones by name', () => {
    expect([...parseOptions(['--tools', 'import,aria2c']).tools]).toEqual(['import', 'aria2c'])
    expect(() => parseOptions(['--tools', 'import,wget'])).toThrow(/--tools .*"wget"/)
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

  it('takes the link ceiling the link part hands its child, in bytes per second', () => {
    expect(parseOptions(['--link-ceiling', '125000000']).linkCeiling).toBe(125e6)
    expect(parseOptions([]).linkMbit).toBe(2000)
    expect(parseOptions(['--link-mbit', '400']).linkMbit).toBe(400)
    expect(() => parseOptions(['--link-mbit', '0.5'])).toThrow(/--link-mbit/)
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
    expect(() => parseOptions(['--link-ceiling', 'fast'])).toThrow(/--link-ceiling/)
  })
})
