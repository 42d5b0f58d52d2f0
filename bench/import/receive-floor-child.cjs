// Child of receive-floor.ts: fetches every URL of a list (one per line) as a whole-file GET over 16
// connections, one way, and prints the bytes received. Plain CommonJS, so the figure carries no TypeScript
// loader. Ways: "socket" (a raw net socket reading into one static buffer, net's onread: no stream, no
// buffer per read, no HTTP parser beyond the header's Content-Length), "undici" (undici's dispatch, the
// bytes discarded), "undici-write" (undici's dispatch, the bytes copied into a 256 KiB batch written with
// one positional write, the response paused meanwhile, as the import's body writer does).
'use strict'
const { readFileSync } = require('node:fs')
const fsp = require('node:fs/promises')
const net = require('node:net')
const { join } = require('node:path')
const { Agent } = require('undici')

const [list, way, outDir] = process.argv.slice(2)
const urls = readFileSync(list, 'utf8').trim().split('\n')
const agent = new Agent({ connections: 16 })
let next = 0
let bytes = 0

function socketGet(url) {
  return new Promise((resolve, reject) => {
    let head = ''
    let want = -1
    let got = 0
    const sock = net.connect({
      host: url.hostname,
      port: Number(url.port),
      onread: {
        buffer: Buffer.allocUnsafe(256 << 10),
        callback(n, buf) {
          let body = n
          if (want < 0) {
            head += buf.toString('latin1', 0, n)
            const end = head.indexOf('\r\n\r\n')
            if (end < 0) return
            want = Number(/content-length: *(\d+)/i.exec(head)[1])
            body = head.length - end - 4
          }
          got += body
          bytes += body
          if (got >= want) {
            sock.destroy()
            resolve()
          }
        }
      }
    })
    sock.on('error', reject)
    sock.write(`GET ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nConnection: close\r\n\r\n`)
  })
}

async function undiciGet(url, file) {
  const fh = file ? await fsp.open(file, 'w') : undefined
  const size = 256 << 10
  const batch = Buffer.allocUnsafeSlow(size)
  let fill = 0
  let pos = 0
  let writing = Promise.resolve()
  await new Promise((resolve, reject) => {
    let resume
    agent.dispatch(
      { origin: url.origin, path: url.pathname, method: 'GET' },
      {
        onConnect() {},
        onHeaders(status, headers, res) {
          resume = res
          return true
        },
        onData(chunk) {
          bytes += chunk.length
          if (!fh) return true
          const n = Math.min(chunk.length, size - fill)
          chunk.copy(batch, fill, 0, n)
          fill += n
          if (fill < size) return true
          // A full batch: one positional write, the response paused until it is done.
          const rest = chunk.subarray(n)
          const at = pos
          pos += size
          fill = 0
          writing = fh.write(batch, 0, size, at).then(() => {
            rest.copy(batch, 0)
            fill = rest.length
            resume()
          })
          return false
        },
        onComplete() {
          writing.then(resolve, reject)
        },
        onError: reject
      }
    )
  })
  if (fh) {
    if (fill > 0) await fh.write(batch, 0, fill, pos)
    await fh.close()
  }
}

async function worker() {
  for (let i = next++; i < urls.length; i = next++) {
    const url = new URL(urls[i])
    if (way === 'socket') await socketGet(url)
    else await undiciGet(url, way === 'undici-write' ? join(outDir, String(i)) : undefined)
  }
}

Promise.all(Array.from({ length: 16 }, worker))
  .then(() => agent.close())
  .then(() => process.stdout.write(`${bytes}\n`))
  .catch((err) => {
    process.stderr.write(`${err && err.stack ? err.stack : err}\n`)
    process.exit(1)
  })
