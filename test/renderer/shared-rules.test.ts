// @vitest-environment happy-dom
/**
 * The renderer's forms apply the shared rules (src/shared), so they accept and refuse exactly what
 * main's schemas do: pasted keyring data, selection names, settings bounds.
 */
import { describe, expect, it } from 'vitest'
import { createSelectionSchema, settingsSchema } from '@shared/schemas'
import { settingBounds } from '@shared/settings-table'
import { validateSourceFields } from '../../src/renderer/src/logic/source-form'
import { validateSelectionFields } from '../../src/renderer/src/logic/selection-form'
import { fieldsFromSettings, validateSettings } from '../../src/renderer/src/logic/settings-form'
import { defaultSettings } from './fake-bridge'

describe('forms apply the shared rules', () => {
  it('keyring data: wrapped base64 is compacted; padding in the middle is refused', () => {
    const form = (keyringData: string) =>
      validateSourceFields({
        url: 'http://m/',
        signing: 'signed',
        keyringMode: 'data',
        keyringFile: '',
        keyringData
      })
    expect(form('mQINBFCM\n  c9EBEADD\r\nKn9m==\n').request?.keyring_data).toBe('mQINBFCMc9EBEADDKn9m==')
    expect(form('mQ==IN').errors.keyring).toMatch(/base64/)
  })

  it('selection names: the editor and the schema agree', () => {
    for (const name of ['ubuntu', '*', 'centos/7', 'hwe-24.04', 'ga-22.04~x', 'a;b']) {
      const schemaOk = createSelectionSchema.safeParse({
        boot_source_id: 1,
        os: name,
        release: 'noble',
        arches: ['amd64']
      }).success
      const formOk = !validateSelectionFields({
        os: name,
        release: 'noble',
        arches: 'amd64',
        subarches: '*',
        labels: '*'
      }).errors.os
      expect(formOk, name).toBe(schemaOk)
    }
  })

  it('settings: the form refuses exactly what the schema refuses at each bound', () => {
    const [interval, connections] = [settingBounds('sync_interval_minutes'), settingBounds('connections')]
    // What the window is shown carries where the proxy password is kept; the stored settings do not.
    const { proxy_password_storage: _shown, ...stored } = defaultSettings()
    const ok = (patch: object) => settingsSchema.safeParse({ ...stored, ...patch }).success
    const errors = (patch: object) =>
      validateSettings({ ...fieldsFromSettings(defaultSettings()), ...patch }, defaultSettings()).errors
    for (const v of [interval.min - 1, interval.min, interval.max, interval.max + 1])
      expect(!errors({ sync_interval_minutes: String(v) }).sync_interval_minutes, String(v)).toBe(
        ok({ sync_interval_minutes: v })
      )
    for (const v of [connections.min - 1, connections.min, connections.max, connections.max + 1])
      expect(!errors({ connections: String(v) }).connections, String(v)).toBe(ok({ connections: v }))
  })
})
