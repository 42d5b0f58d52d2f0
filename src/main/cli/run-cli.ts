/**
 * The `maas-images` CLI: finds the command, runs it, prints JSON on stdout and errors as one line on
 * stderr. Exit codes: 0 success, 1 failure, 2 usage error.
 */
import { AppError, toErrorShape } from '@shared/errors'
import { terminalLine } from './terminal-text'
import { resolveDataDir } from '../core/data-dir'
// Loaded on first use: --help, --version and usage errors never load the services and what they import.
import type { MainServices } from '../services'
import type { CliCommand, CliContext } from './command'
import { UsageError } from './command'
import { commands as allCommands } from './commands'
import { parseCommandInput, parseGlobalOptions } from './parse-args'
import { readFileParams } from './maas-file-params'
import { MAAS_GROUPS, maasErrorText } from './maas-errors'

export interface CliIo {
  stdout: NodeJS.WritableStream
  stderr: NodeJS.WritableStream
  isTTY: boolean
  env: NodeJS.ProcessEnv
  version: string
  signal?: AbortSignal
  /**
   * How to start this CLI again as a separate process ([node, ...its flags, entry script]): a background
   * `boot-resources import` runs there. Absent (in-process callers), the background import is refused.
   */
  self?: readonly string[]
}

export function helpText(commands: readonly CliCommand[] = allCommands): string {
  const lines = [
    'Usage: maas-images [--data-dir DIR] [PROFILE] COMMAND VERB [ARGS…] [key=value | key@=FILE …]',
    '',
    'Download, verify, stage and serve MAAS boot images. Verbs and JSON follow the MAAS CLI, so',
    '`alias maas=maas-images` runs MAAS scripts: a profile word before COMMAND is accepted and ignored,',
    'key@=FILE reads a value from a file, a list parameter is given by repeating its key',
    "(arches=amd64 arches=arm64). Errors of MAAS verbs print MAAS's text and exit 2, as maas does.",
    'How this differs from MAAS: see the README, "What still differs from the MAAS CLI", and docs/maas-cli.md.',
    '',
    'Options:',
    "  --data-dir DIR   data directory (default: $MAAS_IMAGES_DATA_DIR, else the app's user data folder)",
    '  -k, --insecure   accepted for MAAS scripts; changes nothing (no MAAS server is contacted)',
    '  -d, --debug      print the code and message of a failed request on stderr',
    '  --help           show this help',
    '  --version        show the version',
    '',
    'Commands:'
  ]
  for (const c of commands) {
    const usage = [c.group, c.verb, ...c.args, c.params ?? ''].filter(Boolean).join(' ')
    lines.push(`  ${usage}`, `      ${c.summary}`)
  }
  return lines.join('\n') + '\n'
}

function print(out: NodeJS.WritableStream, value: unknown): void {
  if (value === undefined) return
  // A plain string may carry names from a stream; JSON escapes control characters by itself.
  out.write(typeof value === 'string' ? `${terminalText(value)}\n` : `${JSON.stringify(value, null, 4)}\n`)
}

/** Multi-line plain output (help, lists) keeps its newlines; each line is made terminal-safe. */
function terminalText(text: string): string {
  return text.split('\n').map(terminalLine).join('\n')
}

const oneLine = terminalLine

/**
 * MAAS scripts call `maas $PROFILE boot-sources read`: a first word that names no command group, followed by one
 * that does, is that profile word. It is dropped (MAAS's `resource_uri` carries no profile either).
 */
function withoutProfile(words: string[], commands: readonly CliCommand[]): string[] {
  const isGroup = (w: string | undefined): boolean => commands.some((c) => c.group === w)
  return words.length > 1 && !isGroup(words[0]) && isGroup(words[1]) ? words.slice(1) : words
}

export async function runCli(argv: readonly string[], io: CliIo, commands = allCommands): Promise<number> {
  let main: Promise<MainServices> | undefined
  let maasGroup = false
  let debug = false
  try {
    const opts = parseGlobalOptions(argv)
    if (opts.version) return (print(io.stdout, io.version), 0)
    if (opts.help || opts.words.length === 0) {
      io.stdout.write(helpText(commands))
      return opts.help ? 0 : 2
    }
    const words = withoutProfile(opts.words, commands)
    const [group, verb, ...rest] = words
    // A command with an empty verb (e.g. `verify LOCATION`) takes the next word as an argument.
    const command =
      commands.find((c) => c.group === group && c.verb === verb) ??
      commands.find((c) => c.group === group && c.verb === '')
    if (!command) {
      const known = commands.some((c) => c.group === group)
      throw new UsageError(known ? `unknown verb ${verb ?? ''} for ${group}` : `unknown command ${group}`)
    }
    maasGroup = MAAS_GROUPS.has(command.group)
    debug = opts.debug
    const { fileParams, ...input } = parseCommandInput(command, command.verb === '' ? words.slice(1) : rest)
    const dataDir = resolveDataDir({ argv: opts.dataDir ? ['--data-dir', opts.dataDir] : [], env: io.env })
    const signal = io.signal ?? new AbortController().signal
    await readFileParams(input, fileParams, signal)
    const open = (): Promise<MainServices> =>
      (main ??= import('../services').then((s) =>
        s.createMainServices({ dataDir, version: io.version, host: 'cli' })
      ))
    const ctx: CliContext = {
      dataDir,
      main: open,
      request: async (name, arg) => (await open()).request(name, arg, { signal }),
      stdout: io.stdout,
      stderr: io.stderr,
      isTTY: io.isTTY,
      signal,
      self: io.self,
      exitCode: 0
    }
    print(io.stdout, await command.run(ctx, input))
    return ctx.exitCode
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`maas-images: ${oneLine(err.message)} (see maas-images --help)\n`)
      return 2
    }
    const shape = toErrorShape(err)
    if (debug) io.stderr.write(`maas-images: debug: request failed with code ${shape.code}\n`)
    if (maasGroup) {
      // As maascli: the server's text on stdout, exit 2.
      io.stdout.write(`${oneLine(maasErrorText(shape))}\n`)
      io.stderr.write(`maas-images: ${oneLine(shape.message)}${shape.detail ? ` (${oneLine(shape.detail)})` : ''}\n`)
      return 2
    }
    const detail = shape.detail ? ` (${oneLine(shape.detail)})` : ''
    io.stderr.write(`maas-images: ${oneLine(shape.message)}${detail}\n`)
    return err instanceof AppError && err.code === 'invalid_argument' ? 2 : 1
  } finally {
    if (main) await (await main.catch(() => undefined))?.dispose()
  }
}
