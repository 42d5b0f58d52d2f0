/**
 * Beyond MAAS: `boot-source available` (what a verified stream offers) and `verify` (check a
 * mirror's signatures, and with --deep its item checksums).
 */
import { verifiedReadBackWords } from '@shared/read-back-words'
import { verifySchema } from '@shared/schemas'
import { validate } from '@shared/validate'
import type { CliCommand } from '../command'
import { terminalLine } from '../terminal-text'
import { param, rejectUnknownParams } from '../command'

export const streamCommands: CliCommand[] = [
  {
    group: 'boot-source',
    verb: 'available',
    args: ['SOURCE_ID'],
    summary: "Fetch and verify a boot source's stream and list every image it offers (beyond MAAS).",
    run: async (ctx, input) => {
      rejectUnknownParams(input, [])
      // Ctrl-C cancels the request, and its signal reaches every metadata read.
      const catalogue = await ctx.request('getCatalogue', {
        boot_source_id: input.positional.SOURCE_ID as number,
        refresh: true
      })
      if (!catalogue.verified) {
        ctx.stderr.write(
          `maas-images: warning: ${terminalLine(catalogue.url)} is unsigned (.json): its data is unverified\n`
        )
      }
      return catalogue.entries
    }
  },
  {
    group: 'verify',
    verb: '',
    args: ['LOCATION'],
    flags: ['--deep'],
    params: '[keyring_filename=PATH | keyring_data=BASE64] [--deep]',
    summary:
      "Check a mirror's signatures (URL, directory or one .sjson file); --deep also checks every item's size and sha256.",
    run: async (ctx, input) => {
      rejectUnknownParams(input, ['keyring_filename', 'keyring_data'])
      const arg = validate(
        verifySchema,
        {
          location: input.positional.LOCATION,
          keyring_filename: param(input, 'keyring_filename'),
          keyring_data: param(input, 'keyring_data'),
          deep: input.flags.has('--deep')
        },
        'verify arguments'
      )
      // Ctrl-C / SIGTERM abort every request and local read of the verify.
      const report = await ctx.request('verifyMirror', arg)
      if (!report.ok) ctx.exitCode = 1
      if (report.read_back) ctx.stderr.write(`maas-images: ${verifiedReadBackWords(report.read_back)}\n`)
      return report
    }
  }
]
