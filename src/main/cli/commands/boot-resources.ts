/**
 * boot-resources / boot-resource: MAAS's verbs and JSON shapes. `import` runs in the foreground
 * (MAAS starts it in the background): a progress bar on a terminal, plain lines otherwise, and a
 * non-zero exit when any resource failed. `stop-import` and `is-importing` work on an import run
 * by another process (the app, another shell) through the data directory.
 */
import type { ImportResult } from '@shared/types'
import { formatBytes } from '@shared/format-bytes'
import { formatDuration, importProgressBar } from '../cli-progress'
import type { CliCommand, CliContext } from '../command'
import { rejectUnknownParams } from '../command'
import { terminalLine } from '../terminal-text'

/** Writes each failure and note as one terminal-safe line (names come from the stream); returns the summary. */
export function reportImportResult(ctx: Pick<CliContext, 'stderr'>, result: ImportResult): string {
  for (const f of result.failures) {
    const where = [f.resource, f.file].filter(Boolean).join(' ')
    ctx.stderr.write(`maas-images: ${terminalLine(`${where ? `${where}: ` : ''}${f.message}`)}\n`)
  }
  for (const n of result.notes) ctx.stderr.write(`maas-images: note: ${terminalLine(n)}\n`)
  const secs = (Date.parse(result.finished_at) - Date.parse(result.started_at)) / 1000
  const fetched = `${formatBytes(result.downloaded_bytes)} downloaded in ${formatDuration(secs)}`
  if (result.stopped) return `Import of boot resources stopped (${fetched}); run it again to resume`
  if (!result.ok)
    return `Import of boot resources finished with ${result.failures.length} failure(s) (${fetched})`
  return `Import of boot resources finished (${fetched})`
}

const id = (input: { positional: Record<string, string | number> }): number => Number(input.positional.ID)

export const bootResourceCommands: CliCommand[] = [
  {
    group: 'boot-resources',
    verb: 'read',
    args: [],
    summary: 'List boot resources, with their status.',
    run: async (ctx, input) => {
      rejectUnknownParams(input, [])
      return ctx.request('listBootResources', undefined)
    }
  },
  {
    group: 'boot-resources',
    verb: 'import',
    args: [],
    summary: 'Import the selected images now, in the foreground; Ctrl-C stops and a later import resumes.',
    run: async (ctx, input) => {
      rejectUnknownParams(input, [])
      const bar = importProgressBar(ctx.stderr, ctx.isTTY)
      // Progress arrives as the contract's importProgress event, as it does in the app.
      const off = (await ctx.main()).events.on('importProgress', (p) => bar.update(p))
      try {
        const result = await ctx.request('runImport', undefined)
        bar.done()
        if (!result.ok) ctx.exitCode = 1
        return reportImportResult(ctx, result)
      } finally {
        off()
        bar.done()
      }
    }
  },
  {
    group: 'boot-resources',
    verb: 'is-importing',
    args: [],
    summary: 'Print true while an import runs (in any process on this data directory).',
    run: async (ctx, input) => {
      rejectUnknownParams(input, [])
      return String((await ctx.request('getImportStatus', undefined)).importing)
    }
  },
  {
    group: 'boot-resources',
    verb: 'stop-import',
    args: [],
    summary: 'Stop the running import (it stops within 2 s; a later import resumes it).',
    run: async (ctx, input) => {
      rejectUnknownParams(input, [])
      return (await ctx.request('stopImport', undefined)).message
    }
  },
  {
    group: 'boot-resource',
    verb: 'read',
    args: ['ID'],
    summary: 'Read one boot resource with its sets and files.',
    run: async (ctx, input) => {
      rejectUnknownParams(input, [])
      return ctx.request('getBootResource', { id: id(input) })
    }
  },
  {
    group: 'boot-resource',
    verb: 'delete',
    args: ['ID'],
    summary:
      'Delete a boot resource and the files no other resource shares. The next sync brings it back while a selection matches it: unselect it to keep it away.',
    run: async (ctx, input) => {
      rejectUnknownParams(input, [])
      await ctx.request('deleteBootResource', { id: id(input) })
    }
  }
]
