import { describe, expect, it } from 'vitest'
import { dataDirFromArgv, defaultDataDir, resolveDataDir } from '../../src/main/core/data-dir'

describe('data directory', () => {
  it('--data-dir beats MAAS_IMAGES_DATA_DIR beats the default', () => {
    const env = { MAAS_IMAGES_DATA_DIR: '/env/dir' }
    expect(resolveDataDir({ argv: ['node', 'x', '--data-dir', '/arg/dir'], env })).toBe('/arg/dir')
    expect(resolveDataDir({ argv: ['node', 'x', '--data-dir=/arg2'], env })).toBe('/arg2')
    expect(resolveDataDir({ argv: [], env })).toBe('/env/dir')
    expect(resolveDataDir({ argv: [], env: {}, fallback: '/userData' })).toBe('/userData')
  })

  it('defaults to the per-user app data folder named maas-images', () => {
    expect(defaultDataDir('linux', { XDG_CONFIG_HOME: '/home/u/.config' })).toBe(
      '/home/u/.config/maas-images'
    )
    expect(defaultDataDir('win32', { APPDATA: 'C:/Users/u/AppData/Roaming' })).toMatch(/Roaming.maas-images$/)
    expect(defaultDataDir('darwin', {})).toMatch(/Library\/Application Support\/maas-images$/)
    expect(dataDirFromArgv(['--data-dir'])).toBeUndefined()
  })
})
