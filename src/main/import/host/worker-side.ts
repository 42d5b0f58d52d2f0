/**
 * The worker side of the import contract: runs what the host asks (one import at a time) in its own event
 * loop, with the in-process executor, and reports progress and the result as contract events. Every request
 * is validated first; one that is not in the contract is refused with a log event naming it, never run.
 */
import type { ImportResult } from '@shared/types'
import { failedImportResult } from './import-executor'
import { InProcessImportExecutor } from './in-process-executor'
import { parseHostRequest } from './import-messages'
import type { ImportHostPort } from './worker-channel'

export function serveImports(port: ImportHostPort, where = 'in an import worker'): void {
  const executor = new InProcessImportExecutor(where)
  let active: { run: number; abort: AbortController; done: Promise<ImportResult> } | undefined
  let shuttingDown = false

  const shutdown = async (): Promise<void> => {
    if (shuttingDown) return
    shuttingDown = true
    active?.abort.abort()
    await active?.done
    await executor.dispose()
    port.post({ type: 'closed' })
    port.exit(0)
  }

  port.onMessage((raw) => {
    const parsed = parseHostRequest(raw)
    if (!parsed.ok) {
      port.post({ type: 'log', level: 'error', message: `refused ${parsed.error}` })
      return
    }
    const req = parsed.message
    if (req.type === 'shutdown') {
      void shutdown()
    } else if (req.type === 'stop') {
      if (active?.run === req.run) active.abort.abort()
    } else if (shuttingDown || active) {
      const why = shuttingDown ? 'the worker is shutting down' : `import ${active?.run} is still running`
      port.post({ type: 'log', level: 'error', message: `refused 'run' request ${req.run}: ${why}` })
    } else {
      const run = req.run
      const abort = new AbortController()
      const done = executor
        .run(req.options, {
          signal: abort.signal,
          progress: (progress) => port.post({ type: 'progress', run, progress }),
          resourcesChanged: () => port.post({ type: 'resources-changed', run })
        })
        .catch((err: unknown) => failedImportResult(err))
      active = { run, abort, done }
      void done.then((result) => {
        active = undefined
        port.post({ type: 'finished', run, result })
      })
    }
  })
}
