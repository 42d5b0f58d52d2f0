/**
 * The real import worker, except that it crashes (an uncaught exception, as a bug would) once the import has
 * downloaded more than 1 MiB: files open, the lock held by the host. For test/import/worker-host.test.ts.
 */
import { parentPort } from 'node:worker_threads'
import { serveImports } from '../../src/main/import/host/worker-side'

const port = parentPort!
let crashed = false
serveImports({
  post: (m) => {
    port.postMessage(m)
    if (!crashed && m.type === 'progress' && m.progress.bytes_done > 1024 * 1024) {
      crashed = true
      setImmediate(() => {
        throw new Error('simulated crash in the import worker')
      })
    }
  },
  onMessage: (listener) => void port.on('message', listener),
  exit: (code) => process.exit(code)
})
