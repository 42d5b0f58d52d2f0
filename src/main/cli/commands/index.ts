/** Every CLI command, in the order help lists them. */
import type { CliCommand } from '../command'
import { bootSourceCommands } from './boot-sources'
import { bootResourceCommands } from './boot-resources'
import { settingsCommands } from './settings'
import { streamCommands } from './streams'
import { offlineCommands } from './offline'

export const commands: CliCommand[] = [
  ...bootSourceCommands,
  ...bootResourceCommands,
  ...streamCommands,
  ...offlineCommands,
  ...settingsCommands
]
