import { describe, expect, it } from 'vitest'
import {
  dateTimePieces,
  formatBytes,
  formatDateTime,
  formatEta,
  formatRate,
  keyringLabel
} from '../../src/renderer/src/logic/format'
import { isUnsignedLocation as isUnsignedUrl } from '@shared/stream-location'
import {
  fieldsFromSource,
  maasIoStreamOf,
  validateSourceFields
} from '../../src/renderer/src/logic/source-form'
import { validateSelectionFields } from '../../src/renderer/src/logic/selection-form'
import { fieldsFromSettings, validateSettings } from '../../src/renderer/src/logic/settings-form'
import { defaultSettings } from './fake-bridge'
import { settingsPatchSchema } from '@shared/schemas'
import * as sharedFormat from '@shared/format-bytes'

describe('format', () => {
  it('prints sizes, rates and ETAs the way admins read them', () => {
    expect(formatBytes(0)).toBe('0 B')
    expect(formatBytes(18_432)).toBe('18.4 KB')
    expect(formatBytes(460_000_000)).toBe('460 MB')
    expect(formatBytes(null)).toBe('—')
    expect(formatRate(25_000_000)).toBe('25.0 MB/s')
    expect(formatRate(200_000)).toBe('200 kB/s')
    expect(formatRate(0)).toBe('0.0 MB/s')
    expect(formatEta(null)).toBe('calculating…')
    expect(formatEta(42)).toBe('42 s')
    expect(formatEta(3725)).toBe('1 h 02 min')
    // The CLI prints with the same functions (test/shared/format-bytes.test.ts).
    expect(formatBytes).toBe(sharedFormat.formatBytes)
    expect(formatRate).toBe(sharedFormat.formatRate)
  })

  it('recognises unsigned sources and inline keyrings', () => {
    expect(isUnsignedUrl('http://m/streams/v1/index.json')).toBe(true)
    expect(isUnsignedUrl('http://m/streams/v1/index.sjson')).toBe(false)
    expect(keyringLabel({ keyring_filename: '', keyring_data: 'AAAA' })).toBe('Keyring data (3 B)')
  })
})

describe('source form', () => {
  it('knows the maas.io streams whatever the scheme or trailing slash', () => {
    expect(maasIoStreamOf('http://images.maas.io/ephemeral-v3/candidate')).toBe('candidate')
    expect(maasIoStreamOf('https://images.maas.io/ephemeral-v3/stable/')).toBe('stable')
    expect(maasIoStreamOf('https://mirror/ephemeral-v3/stable/')).toBeNull()
  })

  it('sends exactly one keyring', () => {
    const base = {
      url: '/media/usb/stable',
      signing: 'signed' as const,
      keyringFile: '/k.gpg',
      keyringData: 'QUJD'
    }
    expect(validateSourceFields({ ...base, keyringMode: 'file' }).request).toEqual({
      url: '/media/usb/stable',
      keyring_filename: '/k.gpg'
    })
    expect(validateSourceFields({ ...base, keyringMode: 'data' }).request).toEqual({
      url: '/media/usb/stable',
      keyring_data: 'QUJD'
    })
    expect(
      validateSourceFields({ ...base, keyringMode: 'data', keyringData: 'not base64!' }).errors.keyring
    ).toMatch(/base64/)
  })

  const fields = {
    url: 'http://mirror.internal/stable/',
    signing: 'signed' as const,
    keyringMode: 'file' as const,
    keyringFile: '',
    keyringData: ''
  }
  const DEFAULT = 'C:\\Program Files\\MAAS Images\\resources\\ubuntu-cloudimage-keyring.gpg'

  it('sends the default keyring for an empty keyring path, so an edit never keeps the old one', () => {
    expect(validateSourceFields(fields, DEFAULT).request).toEqual({
      url: 'http://mirror.internal/stable/',
      keyring_filename: DEFAULT
    })
  })

  it('accepts Windows absolute paths for the mirror folder and the keyring, not relative ones', () => {
    const win = { ...fields, url: 'D:\\maas\\stable', keyringFile: 'C:\\keys\\ring.gpg' }
    expect(validateSourceFields(win).request).toEqual({
      url: 'D:\\maas\\stable',
      keyring_filename: 'C:\\keys\\ring.gpg'
    })
    expect(validateSourceFields({ ...win, keyringFile: 'keys\\ring.gpg' }).errors.keyring).toMatch(
      /full path/
    )
    expect(validateSourceFields({ ...win, url: 'maas\\stable' }).errors.url).toMatch(/absolute/)
    expect(validateSourceFields({ ...win, keyringFile: '\\\\server\\ring.gpg' }).errors.keyring).toMatch(
      /UNC/
    )
  })

  it('turns the unsigned choice into the index.json URL, with no keyring', () => {
    expect(
      validateSourceFields({ ...fields, signing: 'unsigned', keyringFile: '/k.gpg' }, DEFAULT).request
    ).toEqual({
      url: 'http://mirror.internal/stable/streams/v1/index.json'
    })
  })

  it("refuses a .json URL marked signed instead of reading it unsigned behind the admin's back", () => {
    const json = { ...fields, url: 'http://mirror.internal/stable/streams/v1/index.json' }
    expect(validateSourceFields(json).errors.url).toMatch(/Unsigned \(index\.json\)/)
    expect(validateSourceFields({ ...json, signing: 'unsigned' }).request?.url).toBe(json.url)
  })

  it('shows an unsigned source as its root with the unsigned choice, and an empty keyring as empty', () => {
    const f = fieldsFromSource({
      id: 1,
      url: 'http://mirror.internal/stable/streams/v1/index.json',
      keyring_filename: '',
      keyring_data: '',
      created: '',
      updated: ''
    })
    expect(f).toMatchObject({ url: 'http://mirror.internal/stable/', signing: 'unsigned', keyringFile: '' })
  })
})

describe('selection form', () => {
  it('splits comma lists and rejects what main would refuse', () => {
    const ok = validateSelectionFields({
      os: 'ubuntu',
      release: 'noble',
      arches: 'amd64, arm64,amd64',
      subarches: '*',
      labels: 'stable'
    })
    expect(ok.values?.arches).toEqual(['amd64', 'arm64'])
    const bad = validateSelectionFields({
      os: '',
      release: 'no ble',
      arches: '',
      subarches: '*',
      labels: '*'
    })
    expect(Object.keys(bad.errors).sort()).toEqual(['arches', 'os', 'release'])
  })
})

describe('settings form', () => {
  it('sends an empty patch when nothing changed', () => {
    const s = defaultSettings()
    expect(validateSettings(fieldsFromSettings(s), s).patch).toEqual({})
  })

  it('accepts the numbers a number input hands back', () => {
    const s = defaultSettings()
    const fields = { ...fieldsFromSettings(s), connections: 12 as unknown as string }
    expect(validateSettings(fields, s).patch).toEqual({ connections: 12 })
  })

  it("checks proxies by main's own rule", () => {
    const s = defaultSettings()
    const check = (http_proxy: string) =>
      validateSettings({ ...fieldsFromSettings(s), http_proxy }, s).errors.http_proxy
    for (const bad of ['https://squid:3128', 'socks5://squid:1080', 'http://[bad'])
      expect(check(bad), bad).toBeDefined()
    for (const good of ['http://squid:3128/', 'squid:3128', '']) expect(check(good), good).toBeUndefined()
    // The same settings pass main's schema.
    expect(settingsPatchSchema.safeParse({ proxy: { http_proxy: 'squid:3128' } }).success).toBe(true)
    expect(settingsPatchSchema.safeParse({ proxy: { http_proxy: 'https://squid:3128' } }).success).toBe(false)
  })

  it('asks for a user name with a proxy password', () => {
    const s = defaultSettings()
    const fields = { ...fieldsFromSettings(s), http_proxy: 'http://squid:3128/', http_proxy_password: 'pw' }
    expect(validateSettings(fields, s).errors.http_proxy).toMatch(/user name/)
  })

  it('normalises no_proxy', () => {
    const s = defaultSettings()
    const fields = { ...fieldsFromSettings(s), no_proxy: 'localhost, 127.0.0.1 ,.internal' }
    expect(validateSettings(fields, s).patch).toEqual({
      proxy: { no_proxy: 'localhost,127.0.0.1,.internal' }
    })
  })
})

describe('source form and UNC paths', () => {
  it('are refused by the source form with the same rule', () => {
    const base = {
      url: '/media/usb/maas',
      signing: 'signed' as const,
      keyringMode: 'file' as const,
      keyringFile: '/ring.gpg',
      keyringData: ''
    }
    expect(validateSourceFields({ ...base, url: '//fileserver/maas' }).errors.url).toMatch(/UNC/)
    expect(validateSourceFields({ ...base, keyringFile: '//fileserver/ring.gpg' }).errors.keyring).toMatch(
      /UNC/
    )
    expect(validateSourceFields(base).request).toBeDefined()
  })
})

describe('date pieces', () => {
  it('splits a date and time between the two, each kept whole', () => {
    const pieces = dateTimePieces('2026-11-30T04:55:00.000Z')
    expect(pieces).toHaveLength(2)
    expect(pieces.join(' ')).toBe(formatDateTime('2026-11-30T04:55:00.000Z'))
    expect(dateTimePieces(null)).toEqual(['—'])
  })
})
