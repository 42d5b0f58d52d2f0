/**
 * e2e/launch-mode.mjs and .ci/run find the Electron binary without require('electron'), which in
 * Electron 45 starts a download when the binary is missing.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { electronBinary } from '../../e2e/launch-mode.mjs'

afterEach(() => vi.unstubAllEnvs())

describe('electronBinary', () => {
  it('answers null, without downloading, when the binary is not installed', () => {
    const log = vi.spyOn(console, 'log')
    // An empty folder of the test's own: a fixed name in the shared /tmp could be anyone's.
    const empty = mkdtempSync(join(tmpdir(), 'maas-images-no-electron-'))
    try {
      vi.stubEnv('ELECTRON_OVERRIDE_DIST_PATH', empty)
      expect(electronBinary()).toBeNull()
      expect(log).not.toHaveBeenCalledWith('Downloading Electron binary...')
    } finally {
      rmSync(empty, { recursive: true, force: true })
    }
  })

  it('finds an installed binary', () => {
    const dir = mkdtempSync(join(tmpdir(), 'maas-images-electron-dist-'))
    try {
      writeFileSync(join(dir, 'electron'), '#!/bin/sh\n')
      chmodSync(join(dir, 'electron'), 0o755)
      vi.stubEnv('ELECTRON_OVERRIDE_DIST_PATH', dir)
      expect(electronBinary()).toBe(join(dir, 'electron'))
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
