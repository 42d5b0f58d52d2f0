/**
 * Errors that cross the IPC bridge, the WebSocket bridge and the CLI.
 * Only `{code, message}` ever leaves the main process: never a stack trace, never a password
 * (messages are scrubbed when an AppError is built and again in toErrorShape).
 */
import { scrubSecrets } from './scrub-secrets'

export type ErrorCode =
  | 'invalid_argument'
  | 'not_found'
  | 'conflict'
  | 'forbidden_sender'
  | 'signature'
  | 'keyring'
  | 'stream_invalid'
  | 'unsafe_path'
  | 'network'
  /** the proxy refused the request (407, or a 4xx to CONNECT): its settings must change, retrying will not help */
  | 'proxy_refused'
  | 'http_status'
  | 'checksum'
  | 'no_space'
  | 'busy'
  | 'cancelled'
  | 'io'
  /** a file in the data directory is not JSON, or not the shape expected: the message names it */
  | 'damaged_file'
  /** the operating system's credential store (Secret Service, Keychain, Credential Manager) failed */
  | 'credential_store'
  | 'internal'

export interface AppErrorShape {
  code: ErrorCode
  message: string
  /** the technical cause (an errno code, the file): shown as a details line, never as the message */
  detail?: string
}

export class AppError extends Error {
  readonly code: ErrorCode
  readonly detail?: string
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; detail?: string }) {
    super(scrubSecrets(message), options)
    this.name = 'AppError'
    this.code = code
    if (options?.detail) this.detail = scrubSecrets(options.detail)
  }
}

/** Turns anything thrown into the one shape that may cross a process boundary. */
export function toErrorShape(err: unknown): AppErrorShape {
  const shape = unscrubbedShape(err)
  return {
    code: shape.code,
    message: scrubSecrets(shape.message),
    ...(shape.detail ? { detail: scrubSecrets(shape.detail) } : {})
  }
}

function unscrubbedShape(err: unknown): AppErrorShape {
  if (err instanceof AppError) return { code: err.code, message: err.message, detail: err.detail }
  if (err && typeof err === 'object' && 'code' in err && 'message' in err) {
    const e = err as { code: unknown; message: unknown }
    if (e.code === 'ENOSPC') return { code: 'no_space', message: String(e.message) }
    if (typeof e.code === 'string' && e.code.startsWith('E'))
      return { code: 'io', message: String(e.message) }
  }
  if (err instanceof Error) return { code: 'internal', message: err.message }
  return { code: 'internal', message: String(err) }
}

export function isErrorShape(value: unknown): value is AppErrorShape {
  return (
    !!value &&
    typeof value === 'object' &&
    typeof (value as AppErrorShape).code === 'string' &&
    typeof (value as AppErrorShape).message === 'string'
  )
}
