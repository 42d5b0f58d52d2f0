#!/usr/bin/env node
/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time by function (name + file:line), and by
 * category when given --categories (a few regexes over "function url"). Sampling profiles only: a figure is
 * samples x interval, so small numbers are noisy.
 *   node bench/tools/cpuprofile-summary.mjs file.cpuprofile [--top 40] [--filter-thread]
 */
import { readFileSync } from 'node:fs'

const args = process.argv.slice(2)
const file = args.find((a) => !a.startsWith('--'))
const top = Number(args[args.indexOf('--top') + 1]) || 40
if (!file) {
  console.error('usage: cpuprofile-summary.mjs <file.cpuprofile> [--top N]')
  process.exit(2)
}
const prof = JSON.parse(readFileSync(file, 'utf8'))
const byId = new Map(prof.nodes.map((n) => [n.id, n]))
const self = new Map()
// timeDeltas[i] is the time before sample i; attribute it to sample i's node.
for (let i = 0; i < prof.samples.length; i++) {
  const id = prof.samples[i]
  self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0))
}
const total = [...self.values()].reduce((a, b) => a + b, 0)
const fnKey = (n) => {
  const cf = n.callFrame
  const url = cf.url ? cf.url.replace(/^file:\/\//, '').replace(/.*node_modules\//, 'nm/').replace(/.*\/(src|out|bench|test)\//, '$1/') : ''
  return `${cf.functionName || '(anonymous)'} ${url}${url ? ':' + (cf.lineNumber + 1) : ''}`
}
const byFn = new Map()
for (const [id, us] of self) {
  const k = fnKey(byId.get(id))
  byFn.set(k, (byFn.get(k) ?? 0) + us)
}
const idle = [...byFn].filter(([k]) => /^\(idle\)/.test(k)).reduce((a, [, v]) => a + v, 0)
console.log(`${file}: ${(total / 1000).toFixed(0)} ms sampled, ${(idle / 1000).toFixed(0)} ms idle, ${((total - idle) / 1000).toFixed(0)} ms busy`)
const rows = [...byFn].sort((a, b) => b[1] - a[1]).slice(0, top)
for (const [k, us] of rows) console.log(`${(us / 1000).toFixed(1).padStart(9)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}`)

// Inclusive time per function too (each sample counts once per distinct function on its stack).
const parent = new Map()
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
const incl = new Map()
for (const [id, us] of self) {
  const seen = new Set()
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const k = fnKey(byId.get(cur))
    if (seen.has(k)) continue
    seen.add(k)
    incl.set(k, (incl.get(k) ?? 0) + us)
  }
}
console.log('\ninclusive:')
for (const [k, us] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, top))
  console.log(`${(us / 1000).toFixed(1).padStart(9)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}`)

// --callers NAME: for self time in functions whose key contains NAME, which caller chains (3 deep) it came from.
const ci = args.indexOf('--callers')
if (ci >= 0) {
  const want = args[ci + 1]
  const chains = new Map()
  for (const [id, us] of self) {
    if (!fnKey(byId.get(id)).includes(want)) continue
    const chain = []
    for (let cur = parent.get(id); cur !== undefined && chain.length < 4; cur = parent.get(cur)) {
      const cf = byId.get(cur).callFrame
      chain.push(`${cf.functionName || '(anon)'}@${cf.lineNumber + 1}:${cf.columnNumber}`)
    }
    const k = chain.join(' < ')
    chains.set(k, (chains.get(k) ?? 0) + us)
  }
  console.log(`\ncallers of ${want}:`)
  for (const [k, us] of [...chains].sort((a, b) => b[1] - a[1]).slice(0, 15))
    console.log(`${(us / 1000).toFixed(1).padStart(9)} ms  ${k}`)
}
