/**
 * The README promises that only the thin shell loads Electron, so the CLI, tests and benchmarks run the same
 * code in plain Node. ESLint enforces it; this checks that the rule really fires where it should and only there.
 */
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const eslint = new ESLint()
const source = "import { app } from 'electron'\nexport const name = app.getName()\n"

async function restricted(filePath: string, text = source): Promise<string[]> {
  const [result] = await eslint.lintText(text, { filePath })
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message)
}

describe('the Electron boundary lint rule', () => {
  it('refuses electron in main outside the shell', async () => {
    expect(await restricted('src/main/core/violation.ts')).toEqual([
      expect.stringContaining('Only src/main/index.ts and src/main/shell/** may import electron')
    ])
    expect(
      await restricted(
        'src/main/import/violation.ts',
        "import Store from 'electron-store'\nexport default Store\n"
      )
    ).toHaveLength(1)
  })

  it('allows it in src/main/index.ts and src/main/shell/**', async () => {
    expect(await restricted('src/main/index.ts')).toEqual([])
    expect(await restricted('src/main/shell/violation.ts')).toEqual([])
  })

  it('keeps the shell thin: nothing else in main imports it', async () => {
    const viaShell =
      "import { registerIpcHandlers } from '../shell/ipc-handlers'\nexport { registerIpcHandlers }\n"
    expect(await restricted('src/main/services/violation.ts', viaShell)).toEqual([
      expect.stringContaining('the services layer does not')
    ])
    expect(await restricted('src/main/bridge/violation.ts', viaShell)).toHaveLength(1)
    expect(await restricted('src/main/index.ts', viaShell.replace('../shell', './shell'))).toEqual([])
  })

  it('keeps Node and Electron out of src/shared and the renderer', async () => {
    expect(
      await restricted(
        'src/shared/violation.ts',
        "import { readFile } from 'node:fs/promises'\nexport { readFile }\n"
      )
    ).toHaveLength(1)
    expect(await restricted('src/renderer/src/violation.ts')).toHaveLength(1)
  })
})
