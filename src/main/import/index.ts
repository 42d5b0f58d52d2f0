/**
 * The import engine's public surface for the IPC layer and the CLI. Everything here runs in plain
 * Node (no Electron), in the app's main process or in the CLI.
 */
export { ImportEngine, type ImportEngineDeps } from './engine'
export { SyncScheduler } from './scheduler'
