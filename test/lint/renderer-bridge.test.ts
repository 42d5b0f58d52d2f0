/**
 * docs/architecture.md: components and views show, stores act; only a store calls the bridge. ESLint enforces
 * it; this checks that the rule fires in components and views (nested ones too) and nowhere it should not.
 */
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const eslint = new ESLint()
const vue = (from: string): string =>
  `<script setup lang="ts">\nimport { getBridge } from '${from}'\nvoid getBridge\n</script>\n<template><div /></template>\n`

async function restricted(filePath: string, text: string): Promise<string[]> {
  const [result] = await eslint.lintText(text, { filePath })
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message)
}

describe('the renderer bridge lint rule', () => {
  it('refuses the bridge in components and views', async () => {
    const refusal = [expect.stringContaining('only stores call the bridge')]
    expect(await restricted('src/renderer/src/components/Violation.vue', vue('../bridge'))).toEqual(refusal)
    expect(
      await restricted('src/renderer/src/components/staging/Violation.vue', vue('../../bridge'))
    ).toEqual(refusal)
    expect(await restricted('src/renderer/src/views/Violation.vue', vue('../bridge/index'))).toEqual(refusal)
    expect(await restricted('src/renderer/src/App.vue', vue('./bridge/ws-transport'))).toEqual(refusal)
  })

  it('allows it in stores, and cancellable() (a request id for Cancel) in views', async () => {
    expect(
      await restricted(
        'src/renderer/src/stores/violation.ts',
        "import { getBridge } from '../bridge'\nvoid getBridge\n"
      )
    ).toEqual([])
    expect(await restricted('src/renderer/src/views/Violation.vue', vue('../bridge/cancellable'))).toEqual([])
  })

  it('keeps the renderer-wide refusals there too (node, electron, main)', async () => {
    expect(await restricted('src/renderer/src/views/Violation.vue', vue('node:fs'))).toHaveLength(1)
    expect(await restricted('src/renderer/src/components/Violation.vue', vue('electron'))).toHaveLength(1)
  })
})
