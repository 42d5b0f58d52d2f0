import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { terminalLine } from '../../src/main/cli/terminal-text'
import { reportImportResult } from '../../src/main/cli/commands/boot-resources'
import { runCli } from '../../src/main/cli/run-cli'
import { importProgressBar } from '../../src/main/cli/cli-progress'
import { AppError } from '@shared/errors'
import type { CliCommand } from '../../src/main/cli/command'

// What a hostile stream put in an item name: retitle the terminal, clear it, move the cursor.
const HOSTILE = 'noble\x1b]0;pwned\x07\x1b[2J\x1b[H\u009b31m\u202egpj.exe'
// eslint-disable-next-line no-control-regex
const hasControl = (s: string): boolean => /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/.test(s)

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough()
  let text = ''
  stream.on('data', (d) => (text += d))
  return { stream, text: () => text }
}

describe('CLI lines for people', () => {
  it('turn control characters into visible escapes', () => {
    const line = terminalLine(HOSTILE)
    expect(hasControl(line)).toBe(false)
    expect(line).toContain('noble\\x1b]0;pwned\\x07')
    expect(line).toContain('\\u202e')
  })

  it('import failures and notes are printed without control characters', () => {
    const err = capture()
    reportImportResult(
      { stderr: err.stream },
      {
        ok: false,
        started_at: '2026-01-01T00:00:00Z',
        finished_at: '2026-01-01T00:00:01Z',
        downloaded_bytes: 0,
        failures: [{ resource: HOSTILE, file: HOSTILE, code: 'checksum', message: `bad ${HOSTILE}` }],
        notes: [HOSTILE],
        stopped: false
      }
    )
    expect(err.text()).toContain('pwned')
    expect(hasControl(err.text().replace(/\n/g, ''))).toBe(false)
  })

  it('error lines and plain results are printed without control characters', async () => {
    const commands: CliCommand[] = [
      {
        group: 'x',
        verb: 'fail',
        args: [],
        summary: '',
        run: async () => {
          throw new AppError('stream_invalid', HOSTILE)
        }
      },
      { group: 'x', verb: 'say', args: [], summary: '', run: async () => HOSTILE }
    ]
    for (const verb of ['fail', 'say']) {
      const out = capture()
      const err = capture()
      await runCli(
        ['x', verb],
        { stdout: out.stream, stderr: err.stream, isTTY: true, env: {}, version: '0' },
        commands
      )
      const printed = out.text() + err.text()
      expect(printed).toContain('pwned')
      expect(hasControl(printed.replace(/\n/g, ''))).toBe(false)
    }
  })

  it('the progress bar draws its own escapes only', () => {
    const out = capture()
    const bar = importProgressBar(out.stream, true)
    bar.update({
      phase: 'metadata',
      importing: true,
      bytes_done: 0,
      bytes_total: 0,
      rate: 0,
      eta: null,
      files_done: 0,
      files_total: 0
    } as never)
    expect(out.text().startsWith('\r\x1b[2K[')).toBe(true)
    expect(hasControl(out.text().slice('\r\x1b[2K'.length))).toBe(false)
  })
})
