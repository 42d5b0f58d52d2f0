import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fetchBytes } from '../../src/main/net/fetch-bytes'
import { MAX_METADATA_BYTES } from '../../src/main/net/limits'
import { startTestServer, type TestServer } from '../support/test-server'

let root: string
let server: TestServer
const proxy = { http_proxy: '', no_proxy: '*' }

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'fetch-'))
  await writeFile(join(root, 'doc.json'), '{"format":"index:1.0"}\n')
  await writeFile(join(root, 'big.json'), Buffer.alloc(5000, 0x20))
  await writeFile(join(root, 'portal.json'), '<!DOCTYPE html>\n<html><body>Please log in</body></html>\n')
  await writeFile(join(root, 'login.html'), 'Welcome to the hotel wifi')
  server = await startTestServer({ root })
})
afterAll(async () => {
  await server.close()
  await rm(root, { recursive: true, force: true })
})

describe('fetchBytes', () => {
  it('has a 64 MiB default limit', () => {
    expect(MAX_METADATA_BYTES).toBe(64 * 1024 * 1024)
  })

  it('reads over http and returns validators', async () => {
    const r = await fetchBytes(`${server.url}doc.json`, { proxy })
    expect(r.data.toString()).toContain('index:1.0')
    expect(r.notModified).toBe(false)
    expect(r.etag).toMatch(/^".+"$/)
    expect(r.lastModified).toMatch(/GMT$/)
  })

  it('answers a conditional request with notModified on 304', async () => {
    const first = await fetchBytes(`${server.url}doc.json`, { proxy })
    server.resetStats()
    const again = await fetchBytes(`${server.url}doc.json`, { proxy, etag: first.etag })
    expect(again.notModified).toBe(true)
    expect(again.data.length).toBe(0)
    expect(server.stats.bytesServed).toBe(0)
    const byDate = await fetchBytes(`${server.url}doc.json`, { proxy, lastModified: first.lastModified })
    expect(byDate.notModified).toBe(true)
  })

  it('refuses a body over the limit, naming limit and URL', async () => {
    await expect(fetchBytes(`${server.url}big.json`, { proxy, maxBytes: 4 * 1024 })).rejects.toThrow(
      `metadata over 4 KiB: ${server.url}big.json`
    )
    // without Content-Length the streaming count must catch it too
    await expect(fetchBytes(join(root, 'big.json'), { maxBytes: 1024 })).rejects.toThrow(
      /metadata over 1 KiB: .*big\.json/
    )
  })

  it('refuses an HTML page as a captive portal or proxy login', async () => {
    const err = await fetchBytes(`${server.url}portal.json`, { proxy }).catch((e) => e)
    expect(err.code).toBe('stream_invalid')
    expect(err.message).toContain('HTML page')
    expect(err.message).toContain('captive portal or proxy login')
    expect(err.message).toContain(`${server.url}portal.json`)
    // served as text/html even without markup
    await expect(fetchBytes(`${server.url}login.html`, { proxy })).rejects.toThrow(/HTML page/)
  })

  it('refuses 404 and 500 with status and URL', async () => {
    await expect(fetchBytes(`${server.url}nope.json`, { proxy })).rejects.toMatchObject({
      code: 'http_status',
      message: `HTTP 404 Not Found fetching ${server.url}nope.json`
    })
    server.options.faults = { '/doc.json': { status: 500 } }
    await expect(fetchBytes(`${server.url}doc.json`, { proxy })).rejects.toMatchObject({
      code: 'http_status',
      message: `HTTP 500 Internal Server Error fetching ${server.url}doc.json`
    })
    server.options.faults = {}
  })

  it('reads file:// URLs and plain paths', async () => {
    const viaUrl = await fetchBytes(pathToFileURL(join(root, 'doc.json')).href)
    const viaPath = await fetchBytes(join(root, 'doc.json'))
    expect(viaUrl.data.equals(viaPath.data)).toBe(true)
    expect(viaPath.data.toString()).toContain('index:1.0')
    await expect(fetchBytes(join(root, 'missing.json'))).rejects.toThrow(
      `file not found: ${join(root, 'missing.json')}`
    )
  })
})
