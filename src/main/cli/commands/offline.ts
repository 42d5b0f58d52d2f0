/**
 * Beyond MAAS, for air-gapped sites: `stage` (cached images onto a stick or disk as a SimpleStreams
 * mirror), `serve` (the cache or a staged tree over HTTP for a MAAS region) and `drives`.
 */
import { resolve } from 'node:path'
import { AppError } from '@shared/errors'
import { stagedReadBackWords } from '@shared/read-back-words'
import type { BootSource } from '@shared/types'
import { formatBytes } from '@shared/format-bytes'
import { DEFAULT_SERVE_PORT } from '@shared/serve-port'
import { stageProgressBar } from '../cli-progress'
import type { CliCommand, CliContext, CliInput } from '../command'
import { UsageError, param, rejectUnknownParams } from '../command'

async function pickSource(ctx: CliContext, input: CliInput): Promise<BootSource> {
  const sources = (await ctx.request('listBootSources', undefined)).sort((a, b) => a.id - b.id)
  const id = param(input, 'source')
  if (id !== undefined) {
    if (!/^[1-9][0-9]*$/.test(id)) throw new UsageError(`source= must be a boot source id, not ${id}`)
    const s = sources.find((x) => x.id === Number(id))
    if (!s) throw new AppError('not_found', `boot source ${id} does not exist`)
    return s
  }
  if (!sources.length) throw new AppError('not_found', 'there is no boot source')
  return sources[0]
}

export const offlineCommands: CliCommand[] = [
  {
    group: 'stage',
    verb: '',
    args: ['DIR'],
    params: '[source=ID] [os=OS] [release=RELEASE] [arch=ARCH]',
    summary:
      'Write the complete cached images of a boot source (default: the first; bootloaders always) to DIR, ' +
      'e.g. a USB stick, as a verified SimpleStreams mirror. Incremental; FAT32/exFAT/NTFS names are mapped.',
    run: async (ctx, input) => {
      rejectUnknownParams(input, ['source', 'os', 'release', 'arch'])
      const source = await pickSource(ctx, input)
      const bar = stageProgressBar(ctx.stderr, ctx.isTTY)
      // Progress arrives as the contract's stagingProgress event, as it does in the app.
      const off = (await ctx.main()).events.on('stagingProgress', (p) => bar.update(p))
      const result = await ctx
        .request('runStaging', {
          boot_source_id: source.id,
          target: resolve(String(input.positional.DIR)),
          filter: { os: param(input, 'os'), release: param(input, 'release'), arch: param(input, 'arch') }
        })
        .finally(() => {
          off()
          bar.done()
        })
      ctx.stderr.write(
        `Staged ${result.images.length} image(s), ${result.files} files (${formatBytes(result.bytes)}) onto ` +
          `${result.target} [${result.file_system}${result.mapped_names ? ', mapped names' : ''}]: ` +
          `copied ${result.files_copied} files (${formatBytes(result.bytes_copied)}), ` +
          `${result.files_skipped} already there, in ${result.seconds}s; ${stagedReadBackWords(result.read_back)}\n` +
          (result.removed_files
            ? `Removed ${result.removed_files} files (${formatBytes(result.removed_bytes)}) of the previous ` +
              'staging that this one does not keep.\n'
            : '')
      )
      return result
    }
  },
  {
    group: 'serve',
    verb: '',
    args: [],
    options: ['--port', '--bind'],
    params: `[--port N (default ${DEFAULT_SERVE_PORT})] [--bind ADDR (default 127.0.0.1)] [source=ID | dir=PATH]`,
    summary:
      'Serve the image cache of a boot source (or a staged directory, names mapped back) over HTTP as a ' +
      'read-only SimpleStreams mirror a MAAS region can import from. Runs until Ctrl-C.',
    run: async (ctx, input) => {
      rejectUnknownParams(input, ['port', 'bind', 'source', 'dir'])
      const port = param(input, 'port')
      if (port !== undefined && !/^\d{1,5}$/.test(port))
        throw new UsageError(`--port must be a port number, not ${port}`)
      const dir = param(input, 'dir')
      if (dir && param(input, 'source')) throw new UsageError('give source= or dir=, not both')
      // The same request as the app's Serve switch; this process keeps serving until Ctrl-C.
      const status = await ctx.request('startServing', {
        ...(dir ? { dir: resolve(dir) } : { boot_source_id: (await pickSource(ctx, input)).id }),
        ...(port === undefined ? {} : { port: Number(port) }),
        ...(param(input, 'bind') === undefined ? {} : { bind: param(input, 'bind') })
      })
      ctx.stdout.write(`Serving ${status.label} at ${status.url}\n`)
      if (!['127.0.0.1', '::1'].includes(status.address ?? ''))
        ctx.stderr.write(
          `maas-images: listening on ${status.address}: other machines on the network can read this mirror\n`
        )
      // Until Ctrl-C, or until the served folder is gone (a stick ejected or pulled): then the server has
      // stopped by itself and this process ends with the reason, rather than waiting with nothing served.
      const main = await ctx.main()
      let off = (): void => undefined
      const stoppedReason = await new Promise<string | null>((done) => {
        if (ctx.signal.aborted) return done(null)
        ctx.signal.addEventListener('abort', () => done(null), { once: true })
        off = main.events.on('servingStopped', (s) => done(s.stopped_reason ?? 'for no reason given'))
        // It may have stopped before the listener was on.
        void main.request('getServingStatus', undefined).then((s) => {
          if (!s.serving) done(s.stopped_reason ?? 'for no reason given')
        })
      })
      off()
      if (stoppedReason !== null) throw new AppError('not_found', `serving stopped: ${stoppedReason}`)
      // Not tied to the Ctrl-C signal, which has fired by now: stopping must run, not be cancelled.
      await main.request('stopServing', undefined)
      return undefined
    }
  },
  {
    group: 'drives',
    verb: '',
    args: [],
    flags: ['--all'],
    params: '[--all]',
    summary:
      'List removable drives (mount point, label, file system, size, free); --all lists every mounted drive.',
    run: async (ctx, input) => {
      rejectUnknownParams(input, [])
      return ctx.request('listDrives', { all: input.flags.has('--all') })
    }
  }
]
