// Preloaded (NODE_OPTIONS=--require) into the CLI's single executable by cli-sea.test.ts, and into a plain node
// for comparison, to look at V8 from inside the process the CLI ran in. It writes one JSON report to
// $SEA_PROBE_OUT, according to $SEA_PROBE:
//   heap    after the command, and a full collection: the V8 heap in use (what the loaded code holds), and on
//           Linux the file pages resident (the executable's code and data that were touched);
//   tuning  after the command (it has tuned V8 by then): the young generation's size after churning
//           short-lived objects, and the most external memory while 256 MiB arrive as 64 KiB buffers that die
//           at once, as an import receives them (the heap governor's job).
'use strict'
const { readFileSync, writeFileSync } = require('node:fs')
const { getHeapSpaceStatistics, getHeapStatistics, setFlagsFromString } = require('node:v8')
const { runInNewContext } = require('node:vm')

const out = String(process.env.SEA_PROBE_OUT)
const report = (/** @type {object} */ value) => writeFileSync(out, JSON.stringify(value))

function fullGc() {
  setFlagsFromString('--expose-gc')
  runInNewContext('gc')()
}

if (process.env.SEA_PROBE === 'heap') {
  process.once('beforeExit', () => {
    fullGc()
    const rssFile = /^RssFile:\s+(\d+) kB$/m.exec(
      process.platform === 'linux' ? readFileSync('/proc/self/status', 'utf8') : ''
    )
    report({
      heapUsed: getHeapStatistics().used_heap_size,
      rssFile: rssFile ? Number(rssFile[1]) * 1024 : null
    })
  })
}

if (process.env.SEA_PROBE === 'tuning') {
  process.once('beforeExit', () => {
    const window = []
    for (let i = 0; i < 2_000_000; i++) {
      window.push({ i, s: `item ${i}` })
      if (window.length > 100_000) window.splice(0, 50_000)
    }
    const newSpace = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size
    const CHUNK = 64 << 10
    const batch = Buffer.allocUnsafeSlow(512 << 10)
    let received = 0
    let maxExternal = 0
    const tick = () => {
      for (let c = 0; c < 16; c++) {
        Buffer.allocUnsafeSlow(CHUNK).copy(batch, ((received / CHUNK) % 8) * CHUNK)
        received += CHUNK
      }
      maxExternal = Math.max(maxExternal, getHeapStatistics().external_memory)
      if (received < 256 << 20) setTimeout(tick, 1)
      else report({ newSpace, maxExternal })
    }
    tick()
  })
}
