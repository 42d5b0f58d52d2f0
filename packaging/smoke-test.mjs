#!/usr/bin/env node
// Smoke test of the unpacked package (`electron-builder --dir`): start the packaged binary with a
// fresh data directory, check that its window opens on app://maas-images/ and renders the Images
// page, then close it over the DevTools protocol and require a clean exit (status 0).
//
// Playwright's _electron.launch cannot drive a package: it needs --inspect, which the
// EnableNodeCliInspectArguments fuse turns off. Chromium's --remote-debugging-port is not a Node
// switch, so the test attaches to the page with chromium.connectOverCDP instead.
// Usage (Linux, under xvfb-run when there is no display): node packaging/smoke-test.mjs BINARY
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from '@playwright/test'

const binary = process.argv[2]
if (!binary) {
  console.error('usage: node packaging/smoke-test.mjs PATH-TO-UNPACKED-BINARY')
  process.exit(2)
}

const freePort = () =>
  new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (srv.address())
      srv.close(() => resolve(port))
    })
  })

/** @param {string} message */
const fail = (message) => {
  console.error(`smoke: FAILED: ${message}`)
  process.exitCode = 1
}

const dataDir = mkdtempSync(join(tmpdir(), 'maas-images-smoke-'))
// With automatic sync on (the default) closing the window leaves the app running in the tray; the smoke test
// checks the quit path, so it turns the sync off.
writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ auto_sync: false }))
const port = await freePort()
const child = spawn(binary, [`--remote-debugging-port=${port}`, '--data-dir', dataDir], {
  stdio: ['ignore', 'inherit', 'inherit'],
  // offline: nothing in the smoke test may reach the network
  env: { ...process.env, https_proxy: 'http://127.0.0.1:9', http_proxy: 'http://127.0.0.1:9' }
})
const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))

try {
  let browser
  for (let i = 0; i < 60 && !browser; i++) {
    try {
      browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`)
    } catch {
      await new Promise((r) => setTimeout(r, 500))
    }
  }
  if (!browser) throw new Error(`no DevTools endpoint on port ${port} after 30 s: did the app start?`)
  const page = await (async () => {
    for (let i = 0; i < 60; i++) {
      const pages = browser.contexts().flatMap((c) => c.pages())
      const app = pages.find((p) => p.url().startsWith('app://maas-images/'))
      if (app) return app
      await new Promise((r) => setTimeout(r, 500))
    }
    throw new Error('no window showing app://maas-images/ after 30 s')
  })()
  await page.getByRole('heading', { level: 1, name: 'Images' }).waitFor({ timeout: 30_000 })
  console.log(`smoke: window open on ${page.url()}, Images page rendered`)
  const cdp = await browser.newBrowserCDPSession()
  await cdp.send('Browser.close').catch(() => undefined)
  const timeout = new Promise((r) => setTimeout(() => r({ code: null, signal: 'timeout' }), 20_000))
  const { code, signal } = await Promise.race([exited, timeout])
  if (signal === 'timeout') fail('the app did not quit within 20 s of closing its window')
  else if (code !== 0) fail(`the app quit with status ${code}${signal ? ` (signal ${signal})` : ''}`)
  else console.log('smoke: the app quit cleanly (status 0)')
} catch (err) {
  fail(err instanceof Error ? err.message : String(err))
} finally {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  rmSync(dataDir, { recursive: true, force: true })
}
