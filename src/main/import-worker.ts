/**
 * The import worker's entry (out/main/import-worker.js): one import at a time, asked for by the host over the
 * message contract (import/host/import-messages.ts). The same file runs as an Electron utility process (the
 * app: process.parentPort) and as a node:worker_threads Worker (plain-Node hosts: the browser-mode test
 * bridge, tests, benchmarks). It imports no electron: a utility process is plain Node with a parent port.
 */
import { parentPort } from 'node:worker_threads'
import { serveImports } from './import/host/worker-side'
import type { ImportHostPort } from './import/host/worker-channel'

/** The part of Electron's utility-process parentPort used here (typed locally: no electron import). */
interface UtilityParentPort {
  on(event: 'message', listener: (e: { data: unknown }) => void): void
  postMessage(message: unknown): void
}

function hostPort(): ImportHostPort {
  const utility = (process as unknown as { parentPort?: UtilityParentPort }).parentPort
  if (utility) {
    return {
      post: (m) => utility.postMessage(m),
      onMessage: (listener) => utility.on('message', (e) => listener(e.data)),
      exit: (code) => process.exit(code)
    }
  }
  if (parentPort) {
    const port = parentPort
    return {
      post: (m) => port.postMessage(m),
      onMessage: (listener) => void port.on('message', listener),
      // In a worker thread this ends the thread only.
      exit: (code) => process.exit(code)
    }
  }
  throw new Error('import-worker.js runs only as a utility process or a worker thread, started by the app')
}

const port = hostPort()
serveImports(
  port,
  (process as unknown as { parentPort?: unknown }).parentPort ? 'in a utility process' : 'in a worker thread'
)
