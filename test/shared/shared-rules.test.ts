/**
 * The rules main and the renderer both apply, each defined once in src/shared: the unsigned .json
 * location, the index-file name, pasted keyring data, selection names and matching, settings bounds.
 * Both sides are checked against the same cases so they cannot drift apart.
 */
import { describe, expect, it } from 'vitest'
import { isUnsignedLocation, namesIndexFile } from '@shared/stream-location'
import { compactKeyringData, isBase64KeyringData } from '@shared/keyring-data'
import { isSelectionName, selectionCovers, selectionMatches, wildcardMatches } from '@shared/selection-rules'
import { isWithin, RELEASE_CODENAME } from '@shared/settings-rules'
import { settingBounds } from '@shared/settings-table'
import { createSelectionSchema, settingsSchema } from '@shared/schemas'
import { resolveSource } from '../../src/main/streams/source'
import { normaliseSourceUrl } from '../../src/main/services/boot-source-url'

describe('the unsigned .json location rule', () => {
  it('reads the name without the query or fragment of a URL', () => {
    expect(isUnsignedLocation('http://m/streams/v1/index.json?token=1')).toBe(true)
    expect(isUnsignedLocation('https://m/streams/v1/index.json#top')).toBe(true)
    expect(isUnsignedLocation('file:///srv/m/streams/v1/index.json?x')).toBe(true)
    expect(isUnsignedLocation('http://m/streams/v1/index.sjson?x=.json')).toBe(false)
    expect(isUnsignedLocation('http://m/stable/?format=.json')).toBe(false)
    expect(isUnsignedLocation(' http://m/streams/v1/INDEX.JSON ')).toBe(true)
  })

  it('keeps ? and # in a plain path: they are file name characters there', () => {
    expect(isUnsignedLocation('/media/stick/index.json#1')).toBe(false)
    expect(isUnsignedLocation('/media/stick/streams/v1/index.json')).toBe(true)
  })

  it('is what main reads: resolveSource agrees on the signing policy for every case', () => {
    for (const url of [
      'http://m/streams/v1/index.json?token=1',
      'https://m/streams/v1/index.json#top',
      'http://m/streams/v1/index.sjson?x=.json',
      'http://m/stable/?format=.json',
      '/media/stick/streams/v1/index.json'
    ])
      expect(resolveSource(url).signed, url).toBe(!isUnsignedLocation(url))
  })

  it('an index-file URL is kept as given; a root gets one trailing slash', () => {
    expect(namesIndexFile('http://m/streams/v1/index.sjson?x')).toBe(true)
    expect(normaliseSourceUrl('http://m/streams/v1/index.json?x=1')).toBe(
      'http://m/streams/v1/index.json?x=1'
    )
    expect(normaliseSourceUrl('http://m/stable//')).toBe('http://m/stable/')
  })
})

describe('pasted keyring data', () => {
  it('accepts wrapped base64 with padding only at the end, in main and in the form alike', () => {
    const wrapped = 'mQINBFCM\n  c9EBEADD\r\nKn9m==\n'
    expect(isBase64KeyringData(wrapped)).toBe(true)
    expect(compactKeyringData(wrapped)).toBe('mQINBFCMc9EBEADDKn9m==')
    for (const bad of ['mQ==IN', 'abc===', 'not base64!', '-----BEGIN PGP'])
      expect(isBase64KeyringData(bad), bad).toBe(false)
  })
})

describe('selection rules', () => {
  it('names: the shared rule is the schema rule', () => {
    for (const name of ['ubuntu', '*', 'centos/7', 'noble beta', 'hwe-24.04', 'ga-22.04~x', 'a;b']) {
      const schemaOk = createSelectionSchema.safeParse({
        boot_source_id: 1,
        os: name,
        release: 'noble',
        arches: ['amd64']
      }).success
      expect(isSelectionName(name), name).toBe(schemaOk)
    }
  })

  it('matching: * or the value, for scalars and lists', () => {
    expect(wildcardMatches('*', 'noble')).toBe(true)
    expect(wildcardMatches('jammy', 'noble')).toBe(false)
    expect(wildcardMatches(['amd64', '*'], 'arm64')).toBe(true)
    expect(wildcardMatches(['amd64'], 'arm64')).toBe(false)
    const sel = { os: 'ubuntu', release: '*', arches: ['amd64'], subarches: ['hwe-24.04'], labels: ['*'] }
    expect(selectionCovers(sel, { os: 'ubuntu', release: 'jammy', arch: 'amd64' })).toBe(true)
    expect(selectionCovers(sel, { os: 'centos', release: 'jammy', arch: 'amd64' })).toBe(false)
    expect(
      selectionMatches(sel, {
        os: 'ubuntu',
        release: 'noble',
        arch: 'amd64',
        subarch: 'ga-24.04',
        label: 'stable'
      })
    ).toBe(false)
    expect(
      selectionMatches(sel, {
        os: 'ubuntu',
        release: 'noble',
        arch: 'amd64',
        subarch: 'hwe-24.04',
        label: 'stable'
      })
    ).toBe(true)
  })
})

describe('settings bounds', () => {
  it('the schema enforces the shared interval, connection and codename bounds', () => {
    const [interval, connections] = [settingBounds('sync_interval_minutes'), settingBounds('connections')]
    const base = {
      auto_sync: true,
      start_at_login: false,
      sync_interval_minutes: 60,
      connections: 8,
      commissioning_distro_series: 'noble',
      proxy: { http_proxy: '', https_proxy: '', no_proxy: '' }
    }
    const ok = (patch: object) => settingsSchema.safeParse({ ...base, ...patch }).success
    for (const [v, inside] of [
      [interval.min - 1, false],
      [interval.min, true],
      [interval.max, true],
      [interval.max + 1, false]
    ] as const) {
      expect(ok({ sync_interval_minutes: v }), String(v)).toBe(inside)
      expect(isWithin(interval, v)).toBe(inside)
    }
    for (const [v, inside] of [
      [connections.min - 1, false],
      [connections.max, true],
      [connections.max + 1, false]
    ] as const)
      expect(ok({ connections: v }), String(v)).toBe(inside)
    expect(RELEASE_CODENAME.test('noble')).toBe(true)
    expect(ok({ commissioning_distro_series: 'x'.repeat(65) })).toBe(false)
    expect(RELEASE_CODENAME.test('x'.repeat(65))).toBe(false)
  })
})
