/**
 * Launches the app for a spec in the mode e2e/run.mjs chose. Specs only see `page` and `dataDir`:
 * the contract and services are the same in both modes, only the transport differs.
 */
import { test as base, _electron, chromium, type Page } from '@playwright/test'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'

// e2e/run.mjs decides the mode and finds Chromium, and passes both down in the environment.
const launchMode = (): 'electron' | 'browser' =>
  process.env.MAAS_IMAGES_E2E_MODE === 'electron' ? 'electron' : 'browser'
const chromiumBinary = (): string => process.env.MAAS_IMAGES_CHROMIUM || '/usr/bin/chromium'

const root = resolve(__dirname, '..')

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic'
]

/**
 * Tests use no network beyond loopback: anything the app tries to fetch from the internet (the
 * first-run source is images.maas.io) goes to a dead loopback "proxy" and fails at once, while
 * loopback test streams are reached directly.
 */
export const OFFLINE_ENV = {
  http_proxy: 'http://127.0.0.1:9',
  https_proxy: 'http://127.0.0.1:9',
  HTTP_PROXY: 'http://127.0.0.1:9',
  HTTPS_PROXY: 'http://127.0.0.1:9',
  no_proxy: '127.0.0.1,localhost',
  NO_PROXY: '127.0.0.1,localhost'
}

export interface Fixtures {
  dataDir: string
  page: Page
  mode: 'electron' | 'browser'
  /** the window's size (test.use({ windowSize: { width: 1024, height: 640 } })) */
  windowSize: { width: number; height: number }
  /** the system colour scheme the page sees (prefers-color-scheme) */
  systemColorScheme: 'light' | 'dark'
  /** more environment for the services process only (the app's main process, or browser-host), e.g. PATH */
  hostEnv: Record<string, string>
}

/** Starts out/main/browser-host.js and waits for the URL it prints. */
async function startHost(
  dataDir: string,
  hostEnv: Record<string, string>
): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [join(root, 'out/main/browser-host.js'), '--data-dir', dataDir], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, ...OFFLINE_ENV, ...hostEnv }
  })
  const lines = createInterface({ input: child.stdout! })
  const url = await new Promise<string>((resolveUrl, reject) => {
    child.once('exit', (code) => reject(new Error(`browser-host exited with ${code}`)))
    lines.once('line', (line) => resolveUrl(JSON.parse(line).url))
  })
  return { url, child }
}

/**
 * Ends the browser-mode host and waits until it has exited: the data directory is removed next, and a host
 * still writing into it (a refresh, an import's last files) made that removal fail with ENOTEMPTY on a
 * loaded machine. A host that has not ended after its services had ample time to close is killed.
 */
async function stopHost(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((r) => child.once('exit', () => r()))
  child.stdin?.end()
  child.kill('SIGTERM')
  const kill = setTimeout(() => child.kill('SIGKILL'), 30_000)
  await exited
  clearTimeout(kill)
}

export const test = base.extend<Fixtures>({
  mode: [launchMode(), { option: true }],
  windowSize: [{ width: 1280, height: 860 }, { option: true }],
  systemColorScheme: ['light', { option: true }],
  hostEnv: [{}, { option: true }],
  // eslint-disable-next-line no-empty-pattern
  dataDir: async ({}, use) => {
    const dir = mkdtempSync(join(tmpdir(), 'maas-images-e2e-'))
    await use(dir)
    rmSync(dir, { recursive: true, force: true })
  },
  page: async ({ dataDir, mode, windowSize, systemColorScheme, hostEnv }, use) => {
    if (mode === 'electron') {
      const app = await _electron.launch({
        args: [join(root, 'out/main/index.js'), '--data-dir', dataDir],
        env: { ...process.env, ...OFFLINE_ENV, MAAS_IMAGES_DATA_DIR: dataDir, ...hostEnv }
      })
      const page = await app.firstWindow()
      await page.setViewportSize(windowSize)
      await page.emulateMedia({ colorScheme: systemColorScheme })
      await use(page)
      await app.close()
      return
    }
    const host = await startHost(dataDir, hostEnv)
    const browser = await chromium.launch({ executablePath: chromiumBinary(), args: CHROMIUM_ARGS })
    const page = await browser.newPage({ viewport: windowSize, colorScheme: systemColorScheme })
    const errors: string[] = []
    page.on('pageerror', (err) => errors.push(err.message))
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(`${msg.text()} ${msg.location().url}`)
    })
    await page.goto(host.url)
    await use(page)
    await browser.close()
    await stopHost(host.child)
    if (errors.length) throw new Error(`the page reported errors:\n${errors.join('\n')}`)
  }
})

export { expect } from '@playwright/test'
