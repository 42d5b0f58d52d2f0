import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { parseCommandInput } from '../../src/main/cli/parse-args'
import { offlineCommands } from '../../src/main/cli/commands/offline'
import { stageProgressBar } from '../../src/main/cli/cli-progress'
import type { StageProgress } from '@shared/types'

const p = (over: Partial<StageProgress>): StageProgress => ({
  phase: 'copying',
  files_done: 3,
  files_total: 10,
  bytes_done: 512 * 1024 * 1024,
  bytes_total: 1024 * 1024 * 1024,
  rate: 32 * 1024 * 1024,
  eta: 16,
  ...over
})

function capture(tty: boolean) {
  const out = new PassThrough()
  let text = ''
  out.on('data', (d) => (text += d))
  return { bar: stageProgressBar(out, tty), text: () => text }
}

describe('stage progress on the CLI', () => {
  it('draws one bar with files, bytes, rate and ETA on a terminal', () => {
    const { bar, text } = capture(true)
    bar.update(p({}))
    bar.update(p({ bytes_done: 1024 * 1024 * 1024, files_done: 10, phase: 'done', eta: 0 }))
    bar.done()
    expect(text()).toBe(
      '\r\x1b[2K[###############---------------] 50% 537 MB of 1.1 GB, 33.6 MB/s, ETA 16s, files 3/10' +
        '\r\x1b[2K[##############################] 100% 1.1 GB of 1.1 GB, 33.6 MB/s, ETA 0s, files 10/10\n'
    )
  })

  it('writes plain lines, at most one per phase every 2 s, when not a terminal', () => {
    const { bar, text } = capture(false)
    bar.update(p({ phase: 'checking', files_done: 0 }))
    bar.update(p({}))
    bar.update(p({ files_done: 4 }))
    bar.update(p({ phase: 'done', files_done: 10 }))
    expect(text()).not.toContain('\r')
    expect(text().split('\n').filter(Boolean)).toEqual([
      'checking what is already on the target… files 0/10',
      '50% 537 MB of 1.1 GB, 33.6 MB/s, ETA 16s, files 3/10',
      '50% 537 MB of 1.1 GB, 33.6 MB/s, ETA 16s, files 10/10'
    ])
  })
})

describe('serve options', () => {
  const serve = offlineCommands.find((c) => c.group === 'serve')!
  it('takes --port N and --bind ADDR (and the = forms) as values', () => {
    const a = parseCommandInput(serve, ['--port', '8080', '--bind=0.0.0.0', 'dir=/media/usb'])
    expect(Object.fromEntries(a.params)).toEqual({ port: ['8080'], bind: ['0.0.0.0'], dir: ['/media/usb'] })
    expect(() => parseCommandInput(serve, ['--port'])).toThrow(/--port needs a value/)
    expect(() => parseCommandInput(serve, ['--port', '1', '--port', '2'])).toThrow(/given more than once/)
  })
})
