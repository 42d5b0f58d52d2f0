/**
 * Browser-mode host (out/main/browser-host.js): starts the real services for a data directory and
 * serves the built renderer plus the WebSocket bridge on 127.0.0.1. Prints one JSON line with the
 * page URL, then runs until stdin closes or it is signalled. Used by the end-to-end tests where
 * the Electron binary is not available.
 */
import { join } from 'node:path'
import { resolveDataDir } from './core/data-dir'
import { APP_VERSION } from './core/version'
import { createMainServices } from './services'
import { startBridgeServer } from './bridge/ws-bridge-server'
import { workerThreadLauncher } from './import/host/worker-thread-launcher'

async function main(): Promise<void> {
  const dataDir = resolveDataDir({ argv: process.argv })
  const app = await createMainServices({
    dataDir,
    version: APP_VERSION,
    host: 'test-bridge',
    // As the app does with a utility process: imports run in a worker thread (out/main/import-worker.js),
    // so this process, which stands in for the app's main process, stays responsive.
    launchImportWorker: {
      launch: workerThreadLauncher({ entry: join(__dirname, 'import-worker.js') }),
      where: 'in a worker thread'
    }
  })
  const server = await startBridgeServer({
    services: app.services,
    events: app.events,
    rendererDir: join(__dirname, '../renderer')
  })
  process.stdout.write(JSON.stringify({ url: server.url, dataDir }) + '\n')
  const stop = async () => {
    await server.close()
    await app.dispose()
    process.exit(0)
  }
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
  process.stdin.on('end', stop)
  process.stdin.resume()
}

main().catch((err) => {
  process.stderr.write(`browser-host: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
})
