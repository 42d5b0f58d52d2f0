/**
 * Imports in an Electron utility process: the app's choice (see MainContext.launchImportWorker), so that the
 * main process, which owns the window, does no hashing, writing or HTTP parsing of an import. The entry is
 * out/main/import-worker.js (next to index.js; inside app.asar when packaged, which a utility process can
 * load). Chromium ends a utility process when the main process dies, so a worker never outlives the app
 * (and the import lock, which main holds, is then stale and taken over by the next import).
 */
import { utilityProcess } from 'electron'
import type { ImportWorkerChannel, ImportWorkerLauncher } from '../import/host/worker-channel'

export function utilityProcessLauncher(entry: string): ImportWorkerLauncher {
  return () => startUtilityProcess(entry)
}

function startUtilityProcess(entry: string): ImportWorkerChannel {
  const child = utilityProcess.fork(entry, [], { serviceName: 'MAAS Images import', stdio: 'inherit' })
  let fatal: string | undefined
  // child.pid is undefined again after 'exit', when the description goes into an error message.
  let pid: number | undefined
  child.once('spawn', () => {
    pid = child.pid
  })
  // V8 could not continue (out of memory, typically); 'exit' follows.
  child.on('error', (type, location) => {
    fatal ??= `${type} at ${location}`
  })
  return {
    get description() {
      return `utility process ${pid ?? child.pid ?? '(not started)'}`
    },
    post: (message) => child.postMessage(message),
    onMessage: (listener) => void child.on('message', listener),
    onExit: (listener) =>
      void child.once('exit', (code) =>
        listener({
          code,
          cause: fatal ? `hit a fatal V8 error (${fatal}; out of memory?)` : `exited with code ${code}`
        })
      ),
    kill: () => void child.kill()
  }
}
