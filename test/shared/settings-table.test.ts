/**
 * A setting is one entry of src/shared/settings-table.ts: the schema, the defaults and the CLI (settings
 * update, MAAS get-config/set-config) are made from it. Each entry is driven through each of them here, so an
 * entry one of them does not follow fails.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { settingsSchema } from '@shared/schemas'
import {
  SETTING_KEYS,
  settingEntry,
  settingValue,
  settingsDefaults,
  type SettingKind
} from '@shared/settings-table'
import { defaultSettings } from '../../src/main/core/settings-store'
import { cli } from '../cli/cli-helpers'
import { helpText } from '../../src/main/cli/run-cli'
import { MAAS_CONFIG } from '../../src/main/cli/maas-config'

const dirs: string[] = []
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true })
})

/** A value of each kind other than any default, as the CLI takes it and as the settings then hold it. */
const SAMPLE: Record<SettingKind, { cli: string; value: unknown }> = {
  boolean: { cli: 'false', value: false },
  integer: { cli: '17', value: 17 },
  codename: { cli: 'jammy', value: 'jammy' },
  proxy_url: { cli: 'http://squid.internal:3128/', value: 'http://squid.internal:3128/' },
  host_list: { cli: 'localhost,.internal', value: 'localhost,.internal' }
}

describe('the settings table', () => {
  it('is what the schema accepts: every entry a field, no field without an entry', () => {
    const shape = settingsSchema.shape
    const top = Object.keys(shape).filter((k) => k !== 'proxy')
    const proxy = Object.keys(shape.proxy.shape)
    expect([...top, ...proxy].sort()).toEqual([...SETTING_KEYS].sort())
    for (const key of SETTING_KEYS) expect('group' in settingEntry(key), key).toBe(proxy.includes(key))
  })

  it('gives the stored defaults, each passing its own schema', () => {
    expect(defaultSettings()).toEqual(settingsDefaults())
    for (const key of SETTING_KEYS)
      expect(settingValue(defaultSettings(), key), key).toBe(settingEntry(key).default)
  })

  it('refuses each integer just outside its bounds', () => {
    for (const key of SETTING_KEYS) {
      const e = settingEntry(key)
      if (e.kind !== 'integer') continue
      for (const v of [e.bounds.min - 1, e.bounds.max + 1])
        expect(settingsSchema.safeParse({ ...defaultSettings(), [key]: v }).success, `${key}=${v}`).toBe(
          false
        )
    }
  })

  it("gives MAAS's config names: each entry's maasName, beside them only MAAS settings of another meaning", () => {
    const fromTable = new Set(SETTING_KEYS.flatMap((key) => settingEntry(key).maasName ?? []))
    expect(Object.keys(MAAS_CONFIG).filter((name) => fromTable.has(name))).toEqual([...fromTable])
    expect(Object.keys(MAAS_CONFIG).filter((name) => !fromTable.has(name))).toEqual([
      'enable_http_proxy',
      'boot_images_no_proxy'
    ])
  })

  it.each(SETTING_KEYS)(
    '%s: settings update takes its CLI name, and MAAS get-config reads it back',
    async (key) => {
      const dir = await mkdtemp(join(tmpdir(), 'settings-table-'))
      dirs.push(dir)
      const entry = settingEntry(key)
      const sample = SAMPLE[entry.kind]
      const updated = await cli(dir, 'settings', 'update', `${entry.cli}=${sample.cli}`)
      if (entry.appOnly) {
        // Only the desktop app has it (a login item to register): the CLI names it and refuses.
        expect(updated.code).toBe(2)
        expect(updated.stderr).toMatch(/can only be set from the desktop app/)
        expect(helpText()).toContain(`[${entry.cli}=`)
        return
      }
      expect(updated.code, updated.stderr).toBe(0)
      expect(settingValue(updated.json() as never, key)).toEqual(sample.value)
      expect(helpText()).toContain(`[${entry.cli}=`)
      // commissioning_distro_series must be a release the sources offer (MAAS's check), which needs a stream:
      // test/cli/cli-maas-scripts.test.ts sets it against a signed stream on loopback.
      if (!entry.maasName || key === 'commissioning_distro_series') return
      const maasDir = await mkdtemp(join(tmpdir(), 'settings-table-maas-'))
      dirs.push(maasDir)
      const set = await cli(maasDir, 'maas', 'set-config', `name=${entry.maasName}`, `value=${sample.cli}`)
      expect(set.code, set.stderr).toBe(0)
      expect(settingValue((await cli(maasDir, 'settings', 'read')).json() as never, key)).toEqual(
        sample.value
      )
      const got = await cli(maasDir, 'maas', 'get-config', `name=${entry.maasName}`)
      // MAAS prints a config value as JSON, so that `jq -r .` reads it.
      expect(JSON.parse(got.stdout)).toEqual(sample.value)
    }
  )
})
