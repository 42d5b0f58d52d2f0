/**
 * docs/architecture.md promises that src/main's layers import one way. ESLint's local/layering rule holds it; this
 * proves the rule fires for one wrong-way import from every layer, and stays quiet for the allowed direction.
 */
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const eslint = new ESLint()

async function layeringErrors(filePath: string, spec: string): Promise<string[]> {
  const text = `import * as m from '${spec}'\nexport const x = m\n`
  const [result] = await eslint.lintText(text, { filePath })
  return result.messages.filter((m) => m.ruleId === 'local/layering').map((m) => m.message)
}

// One wrong-way import per layer: [file, import, the layer it wrongly reaches].
const WRONG: Array<[string, string, string]> = [
  ['src/main/core/violation.ts', '../streams/read-stream', 'streams'],
  ['src/main/net/violation.ts', '../library', 'library'],
  ['src/main/staged-tree/violation.ts', '../streams/safe-path', 'streams'],
  ['src/main/streams/violation.ts', '../library/blob-cache', 'library'],
  ['src/main/library/violation.ts', '../import/engine', 'import'],
  ['src/main/import/violation.ts', '../stage/stager', 'stage'],
  ['src/main/stage/violation.ts', '../serve/mirror-server', 'serve'],
  ['src/main/serve/violation.ts', '../services/index', 'services'],
  ['src/main/services/violation.ts', '../cli/run-cli', 'cli'],
  ['src/main/cli/violation.ts', '../stage/stager', 'stage'],
  ['src/main/bridge/violation.ts', '../serve/mirror-server', 'serve'],
  ['src/main/shell/violation.ts', '../streams/read-stream', 'streams']
]

describe('the layer-order lint rule', () => {
  it.each(WRONG)('refuses %s importing %s', async (file, spec, layer) => {
    expect(await layeringErrors(file, spec)).toEqual([
      expect.stringContaining(`may not import from src/main/${layer}`)
    ])
  })

  it('allows imports downwards and within a folder', async () => {
    expect(await layeringErrors('src/main/streams/violation.ts', '../net/request')).toEqual([])
    expect(await layeringErrors('src/main/stage/violation.ts', '../library')).toEqual([])
    expect(await layeringErrors('src/main/services/violation.ts', '../stage/stager')).toEqual([])
    expect(await layeringErrors('src/main/import/plan/violation.ts', '../download/downloader')).toEqual([])
    expect(await layeringErrors('src/main/cli/violation.ts', '../services')).toEqual([])
    expect(await layeringErrors('src/main/cli.ts', './cli/cli-main')).toEqual([])
  })

  it('names a folder that is not in the layer map', async () => {
    expect(await layeringErrors('src/main/newfolder/violation.ts', '../core/data-dir')).toEqual([
      expect.stringContaining('not in the layer map')
    ])
  })
})
