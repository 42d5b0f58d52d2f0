/**
 * Imports in a node:worker_threads Worker: for plain-Node hosts (the browser-mode test bridge, which stands
 * in for the app's main process, and tests). The entry is a built file (out/main/import-worker.js, see
 * electron.vite.config.ts) or, from source, src/main/import-worker.ts loaded through tsx.
 */
import { createRequire } from 'node:module'
import { Worker, type ResourceLimits } from 'node:worker_threads'
import type { ImportWorkerChannel, ImportWorkerLauncher, WorkerExit } from './worker-channel'

export interface WorkerThreadOptions {
  /** the worker entry: a .js file, or a .ts file (run through tsx; tests and benchmarks from source) */
  entry: string
  /** caps for the worker's V8 heap; none by default */
  resourceLimits?: ResourceLimits
}

export function workerThreadLauncher(opts: WorkerThreadOptions): ImportWorkerLauncher {
  return () => startWorkerThread(opts)
}

function startWorkerThread(opts: WorkerThreadOptions): ImportWorkerChannel {
  const fromSource = opts.entry.endsWith('.ts')
  // tsx's require hook must be in place before the entry loads; --import in a worker's execArgv comes too late.
  const worker = fromSource
    ? new Worker(
        `require(${JSON.stringify(tsxRequireHook(opts.entry))}); require(${JSON.stringify(opts.entry)})`,
        {
          eval: true,
          resourceLimits: opts.resourceLimits
        }
      )
    : new Worker(opts.entry, { resourceLimits: opts.resourceLimits })
  let failure: Error | undefined
  worker.on('error', (err) => {
    failure ??= err
  })
  return {
    description: `worker thread ${worker.threadId}`,
    post: (message) => worker.postMessage(message),
    onMessage: (listener) => void worker.on('message', listener),
    onExit: (listener) =>
      void worker.once('exit', (code) => listener({ code, cause: describeExit(code, failure) })),
    kill: () => void worker.terminate()
  }
}

function describeExit(code: number, failure: Error | undefined): WorkerExit['cause'] {
  const errCode = (failure as NodeJS.ErrnoException | undefined)?.code
  if (errCode === 'ERR_WORKER_OUT_OF_MEMORY') return 'ran out of memory (ERR_WORKER_OUT_OF_MEMORY)'
  if (failure) return `failed: ${failure.message}`
  return `exited with code ${code}`
}

/** tsx's CommonJS hook, found from the entry's own folder (the repository's node_modules). */
function tsxRequireHook(entry: string): string {
  return createRequire(entry).resolve('tsx/cjs')
}
