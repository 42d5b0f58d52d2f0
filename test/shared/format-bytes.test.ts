/** One import reads the same in the CLI and in the UI: both print sizes with src/shared/format-bytes.ts. */
import { describe, expect, it } from 'vitest'
import type { ImportProgress } from '@shared/types'
import { progressLine } from '../../src/main/cli/cli-progress'
import { formatBytes, formatRate } from '@shared/format-bytes'

describe('sizes in the CLI and the UI', () => {
  it('are the same decimal figures', () => {
    const p: ImportProgress = {
      importing: true,
      phase: 'downloading',
      bytes_done: 460_000_000,
      bytes_total: 1_500_000_000,
      rate: 25_000_000,
      eta: 40,
      files_done: 3,
      files_total: 9,
      resources: []
    }
    const line = progressLine(p)
    expect(line).toContain(`${formatBytes(460_000_000)} of ${formatBytes(1_500_000_000)}`)
    expect(line).toContain('460 MB of 1.5 GB, 25.0 MB/s,')
    expect(line).toContain(formatRate(25_000_000))
  })
})
