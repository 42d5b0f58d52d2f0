/**
 * The two ends of a separate execution context for imports, as the host and the worker see them. Each
 * implementation (a worker thread here: worker-thread-launcher.ts; Electron's utility process:
 * src/main/shell/utility-process-launcher.ts) only moves messages and reports how the context ended; what
 * the messages mean and whether they are valid is import-messages.ts's job, on both sides.
 */
import type { HostRequest, WorkerEvent } from './import-messages'

/** How an execution context ended, in words a user can act on. */
export interface WorkerExit {
  code: number | null
  /** e.g. "exited with code 3", "ran out of memory (ERR_WORKER_OUT_OF_MEMORY)", "failed: <message>" */
  cause: string
}

/** The host's handle on one started worker. */
export interface ImportWorkerChannel {
  /** "worker thread 3", "utility process 12345": named in errors */
  readonly description: string
  post(message: HostRequest): void
  /** every message as received, unvalidated */
  onMessage(listener: (raw: unknown) => void): void
  /** called once, when the context has ended (normally or not) */
  onExit(listener: (exit: WorkerExit) => void): void
  /** ends the context at once (SIGTERM / terminate); onExit follows */
  kill(): void
}

/** Starts one worker for one import. Injected into the services by the composition root. */
export type ImportWorkerLauncher = () => ImportWorkerChannel

/** The worker's handle on its host. */
export interface ImportHostPort {
  post(message: WorkerEvent): void
  onMessage(listener: (raw: unknown) => void): void
  /** ends this execution context (after its files are closed) */
  exit(code: number): void
}
