/**
 * The CLI's command table entry. Each group of verbs lives in its own file under commands/ and is
 * listed once in commands/index.ts; the parser, help and error handling are shared.
 *
 * Arguments follow the MAAS CLI: positional ids, then `key=value` pairs, a list given by repeating
 * its key (`arches=amd64 arches=arm64`).
 */
import type { RequestInput, RequestName, RequestOutput } from '@shared/ipc-contract'
import type { MainServices } from '../services'

export interface CliContext {
  dataDir: string
  /** created on first use, so `--help` never touches the data directory */
  main(): Promise<MainServices>
  stdout: NodeJS.WritableStream
  stderr: NodeJS.WritableStream
  isTTY: boolean
  /** aborted on SIGINT/SIGTERM */
  signal: AbortSignal
  /**
   * One request of the contract through the same entry as the app's (validated, same handler);
   * Ctrl-C cancels it. Verbs use this, not the service classes.
   */
  request<K extends RequestName>(name: K, arg: RequestInput<K>): Promise<RequestOutput<K>>
  /** how to start this CLI as a separate process (see CliIo.self); absent in-process */
  self?: readonly string[]
  /** a command sets this to report failure after printing its result */
  exitCode: number
}

export interface CliInput {
  /** positional arguments by the names the command declared (ids already parsed as numbers) */
  positional: Record<string, string | number>
  /** key=value parameters; every key maps to all its values, in order */
  params: Map<string, string[]>
  /** `--flag` options the command declared */
  flags: Set<string>
}

export interface CliCommand {
  group: string
  verb: string
  /** positional names; names ending in _ID are parsed as positive integers */
  args: readonly string[]
  /** shown in help, e.g. 'url=URL [keyring_filename=PATH | keyring_data=BASE64]' */
  params?: string
  summary: string
  /** `--flag` options this command accepts, e.g. ['--deep'] */
  flags?: readonly string[]
  /** `--name VALUE` options this command accepts, e.g. ['--port']; read as params under `name` */
  options?: readonly string[]
  /** params whose values are lists (may repeat); every other key may appear once */
  listParams?: readonly string[]
  /** the returned value is printed: undefined prints nothing, a string as a line, anything else as JSON */
  run(ctx: CliContext, input: CliInput): Promise<unknown>
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

/** Reads a single-valued parameter. */
export function param(input: CliInput, key: string): string | undefined {
  return input.params.get(key)?.[0]
}

/** Reads a list parameter given by repeating the key. */
export function listParam(input: CliInput, key: string): string[] | undefined {
  return input.params.get(key)
}

export function rejectUnknownParams(input: CliInput, allowed: readonly string[]): void {
  for (const key of input.params.keys()) {
    if (!allowed.includes(key))
      throw new UsageError(`unknown parameter ${key}= (allowed: ${allowed.join(', ') || 'none'})`)
  }
}
