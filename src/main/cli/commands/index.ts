/** Every CLI command, in the order help lists them. */
import type { CliCommand } from '../command'
import { bootSourceCommands } from './boot-sources'

export const commands: CliCommand[] = [...bootSourceCommands]
