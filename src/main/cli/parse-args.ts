/**
 * Splits argv into global options, the command words and MAAS-style key=value parameters.
 */
import type { CliCommand, CliInput } from './command'
import { UsageError } from './command'

export interface GlobalOptions {
  help: boolean
  version: boolean
  dataDir?: string
  words: string[]
}

export function parseGlobalOptions(argv: readonly string[]): GlobalOptions {
  const out: GlobalOptions = { help: false, version: false, words: [] }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--help' || a === '-h') out.help = true
    else if (a === '--version' || a === '-V') out.version = true
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

/** Parses the words after `group verb` against the command's declared arguments. */
export function parseCommandInput(command: CliCommand, rest: readonly string[]): CliInput {
  const positional: CliInput['positional'] = {}
  const params = new Map<string, string[]>()
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
    if (eq > 0 && index >= command.args.length) {
      const key = word.slice(0, eq)
      const value = word.slice(eq + 1)
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
  return { positional, params, flags }
}

function parseId(name: string, word: string): number {
  if (!/^[1-9][0-9]{0,9}$/.test(word)) throw new UsageError(`${name} must be a positive integer, not ${word}`)
  return Number(word)
}
