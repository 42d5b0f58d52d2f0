/**
 * A data directory in a folder another user owns (root's CLI pointed at a user's folder, or the other way):
 * the folder's mode and that user's files are not ours to change. Needs root, to make files of another uid.
 */
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { secureDataDir } from '../../src/main/core/data-dir-permissions'

const root = process.getuid?.() === 0
const OTHER_UID = 54321
let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'maas-images-owner-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const mode = (p: string): number => statSync(p).mode & 0o7777

describe.skipIf(!root)(
  'a data directory owned by another user (needs root to chown; skipped otherwise)',
  () => {
    it('keeps the folder’s mode and the other user’s files; tightens only our own', async () => {
      const folder = join(dir, 'theirs')
      mkdirSync(folder)
      chmodSync(folder, 0o755)
      const ours = join(folder, 'state.json')
      writeFileSync(ours, '{}')
      chmodSync(ours, 0o644)
      const theirs = join(folder, 'their-notes.txt')
      writeFileSync(theirs, 'not ours')
      chmodSync(theirs, 0o644)
      chownSync(theirs, OTHER_UID, OTHER_UID)
      chownSync(folder, OTHER_UID, OTHER_UID)
      await secureDataDir(folder)
      expect(mode(folder)).toBe(0o755)
      expect(statSync(folder).uid).toBe(OTHER_UID)
      expect(mode(theirs)).toBe(0o644)
      expect(mode(ours)).toBe(0o600)
    })
  }
)
