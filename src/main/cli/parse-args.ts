/**
 * Splits argv into global options, the command words and MAAS-style key=value parameters.
 */
import type { CliCommand, CliInput } from './command'
import { UsageError } from './command'

export interface GlobalOptions {
  help: boolean
  version: boolean
  /** MAAS's `-d/--debug`: a request's outcome is described on stderr */
  debug: boolean
  dataDir?: string
  words: string[]
}

/**
 * MAAS's `-k/--insecure` turns off the check of the MAAS server's certificate. This CLI talks to no server (its
 * services run in this process), so the flag is accepted for scripts' sake and changes nothing; the checks of
 * the streams it fetches are never turned off.
 */
const IGNORED_MAAS_FLAGS = new Set(['-k', '--insecure'])

export function parseGlobalOptions(argv: readonly string[]): GlobalOptions {
  const out: GlobalOptions = { help: false, version: false, debug: false, words: [] }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--help' || a === '-h') out.help = true
    else if (a === '--version' || a === '-V') out.version = true
    else if (a === '-d' || a === '--debug') out.debug = true
    else if (IGNORED_MAAS_FLAGS.has(a)) continue
    else if (a === '--data-dir') {
      const v = argv[++i]
      if (!v) throw new UsageError('--data-dir needs a directory')
      out.dataDir = v
    } else if (a.startsWith('--data-dir=')) out.dataDir = a.slice('--data-dir='.length)
    else if (a === '--') {
      out.words.push(...argv.slice(i + 1))
      break
    } else if (a.startsWith('--') && !a.includes('=')) out.words.push(a)
    else out.words.push(a)
  }
  return out
}

/** The command's input, with `key@=FILE` parameters still to be read (see maas-file-params.ts). */
export interface ParsedInput extends CliInput {
  /** key -> the file named by MAAS's `key@=FILE` */
  fileParams: Map<string, string>
}

/** Parses the words after `group verb` against the command's declared arguments. */
export function parseCommandInput(command: CliCommand, rest: readonly string[]): ParsedInput {
  const positional: CliInput['positional'] = {}
  const params = new Map<string, string[]>()
  const fileParams = new Map<string, string>()
  const flags = new Set<string>()
  let index = 0
  for (let w = 0; w < rest.length; w++) {
    const word = rest[w]
    const option = command.options?.find((o) => word === o || word.startsWith(`${o}=`))
    if (option) {
      const value = word === option ? rest[++w] : word.slice(option.length + 1)
      if (value === undefined || value === '') throw new UsageError(`${option} needs a value`)
      const key = option.replace(/^--/, '')
      if (params.has(key)) throw new UsageError(`${option} given more than once`)
      params.set(key, [value])
      continue
    }
    if (command.flags?.includes(word)) {
      flags.add(word)
      continue
    }
    const eq = word.indexOf('=')
    if (eq > 1 && word[eq - 1] === '@' && index >= command.args.length) {
      // MAAS's `key@=FILE`: the value is the file's content.
      const key = word.slice(0, eq - 1)
      if (params.has(key) || fileParams.has(key)) throw new UsageError(`${key}= given more than once`)
      if (eq + 1 === word.length) throw new UsageError(`${key}@= needs a file name`)
      fileParams.set(key, word.slice(eq + 1))
      continue
    }
    if (eq > 0 && index >= command.args.length) {
      const key = word.slice(0, eq)
      const value = word.slice(eq + 1)
      if (fileParams.has(key)) throw new UsageError(`${key}= given more than once`)
      const list = params.get(key)
      if (list && !command.listParams?.includes(key)) throw new UsageError(`${key}= given more than once`)
      params.set(key, [...(list ?? []), value])
      continue
    }
    if (word.startsWith('-')) throw new UsageError(`unknown option ${word}`)
    const name = command.args[index++]
    if (!name) throw new UsageError(`unexpected argument ${word}`)
    positional[name] = name === 'ID' || name.endsWith('_ID') ? parseId(name, word) : word
  }
  if (index < command.args.length) {
    throw new UsageError(`missing ${command.args.slice(index).join(' ')}`)
  }
  return { positional, params, flags, fileParams }
}

function parseId(name: string, word: string): number {
  if (!/^[1-9][0-9]{0,9}$/.test(word)) throw new UsageError(`${name} must be a positive integer, not ${word}`)
  return Number(word)
}
