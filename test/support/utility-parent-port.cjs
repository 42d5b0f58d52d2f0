// Preload for a child_process.fork()ed import worker: gives it the process.parentPort an Electron utility
// process has (on('message') with { data }, postMessage), over Node's IPC channel, so the worker entry's
// utility-process branch runs as it does in the app. For test/shell/utility-process-launcher.test.ts.
;/** @type {{ parentPort: unknown }} */ (/** @type {unknown} */ (process)).parentPort = {
  /** @param {string} event @param {(e: { data: unknown }) => void} listener */
  on: (event, listener) => {
    if (event === 'message') process.on('message', (data) => listener({ data }))
  },
  /** @param {unknown} message */
  postMessage: (message) => process.send?.(message)
}
