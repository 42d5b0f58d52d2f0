/**
 * User settings (sync, connections, proxy) in settings.json, validated on read so a hand-edited or
 * damaged file falls back to defaults field by field instead of breaking the app.
 */
import { join } from 'node:path'
import { z } from 'zod'
import type { Settings } from '../../shared/types'
import { settingsPatchSchema, settingsSchema } from '../../shared/schemas'
import { readJsonFile, writeFileAtomic } from './atomic-file'
import { withFileLock } from './file-lock'

export const defaultSettings = (): Settings => ({
  auto_sync: true,
  sync_interval_minutes: 60,
  connections: 8,
  proxy: { http_proxy: '', https_proxy: '', no_proxy: '' },
  // The newest LTS, as on a new MAAS region (and the release first run selects).
  commissioning_distro_series: 'noble'
})

function merge(base: Settings, patch: z.infer<typeof settingsPatchSchema>): Settings {
  return { ...base, ...patch, proxy: { ...base.proxy, ...(patch.proxy ?? {}) } }
}

export class SettingsStore {
  readonly file: string
  constructor(readonly dataDir: string) {
    this.file = join(dataDir, 'settings.json')
  }

  async read(): Promise<Settings> {
    const raw = await readJsonFile<unknown>(this.file).catch(() => undefined)
    const patch = settingsPatchSchema.safeParse(raw ?? {})
    return patch.success ? settingsSchema.parse(merge(defaultSettings(), patch.data)) : defaultSettings()
  }

  async update(patch: z.infer<typeof settingsPatchSchema>): Promise<Settings> {
    return withFileLock(join(this.dataDir, 'settings.lock'), async () => {
      const next = settingsSchema.parse(merge(await this.read(), patch))
      await writeFileAtomic(this.file, JSON.stringify(next, null, 2) + '\n')
      return next
    })
  }
}
