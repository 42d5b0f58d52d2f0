/**
 * MAAS's `boot-resources import` contract: start the import and return. The CLI has no long-lived server to run
 * it in, so it starts itself again as a detached process (`boot-resources import --wait`), whose output goes to
 * `cli-import.log` in the data directory. That process takes the same import lock as every import, so the app, a
 * shell and `stop-import` all see it; this one returns once the import holds the lock (so a script that polls
 * `is-importing` right after sees `true`) or once the child has already ended.
 */
import { spawn } from 'node:child_process'
import { closeSync, openSync } from 'node:fs'
import { AppError } from '@shared/errors'
import { dataLayout } from '../core/data-layout'
import type { CliContext } from './command'

/** MAAS's answer to `boot-resources import`, whether or not an import was already running. */
export const MAAS_IMPORT_STARTED = 'Import of boot resources started'

/** How often the lock is checked while the child starts: it is a file lookup, cheap. */
const LOCK_POLL_MS = 50

export async function startBackgroundImport(ctx: CliContext): Promise<string> {
  if ((await ctx.request('getImportStatus', undefined)).importing) return MAAS_IMPORT_STARTED
  if (!ctx.self?.length)
    throw new AppError('internal', 'a background import needs the CLI as a process; use --wait here')
  const log = openSync(dataLayout(ctx.dataDir).cliImportLog, 'a', 0o600)
  let exited = false
  let exitCode: number | null = null
  const started = new Promise<void>((resolve, reject) => {
    const [cmd, ...args] = ctx.self as string[]
    const child = spawn(cmd, [...args, '--data-dir', ctx.dataDir, 'boot-resources', 'import', '--wait'], {
      detached: true,
      stdio: ['ignore', log, log],
      windowsHide: true
    })
    child.once('error', (err) =>
      reject(new AppError('internal', `cannot start the background import: ${err.message}`))
    )
    child.once('exit', (code) => {
      exited = true
      exitCode = code
      resolve()
    })
    child.unref()
  })
  closeSync(log)
  // The child's exit ends the wait as surely as its lock does: whichever comes first.
  while (!exited) {
    if ((await ctx.request('getImportStatus', undefined)).importing) break
    await Promise.race([started, new Promise((r) => setTimeout(r, LOCK_POLL_MS))])
  }
  if (
    exited &&
    exitCode !== 0 &&
    exitCode !== 1 &&
    !(await ctx.request('getImportStatus', undefined)).importing
  ) {
    // 1 is an import that ran and had failures (its log says which); another code with no import running now
    // means it never ran (an import started elsewhere meanwhile is MAAS's "started" too).
    throw new AppError(
      'internal',
      `the background import ended at once (exit code ${exitCode}); see ${dataLayout(ctx.dataDir).cliImportLog}`
    )
  }
  return MAAS_IMPORT_STARTED
}
