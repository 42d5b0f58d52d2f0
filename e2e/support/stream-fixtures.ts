/**
 * Signed test streams for the e2e specs, made by the project's own generator and served by its
 * loopback test server, plus the few helpers the admin-workflow specs share. Everything here works
 * the same in electron and browser mode: specs still only talk to the app through `page`, and to
 * its data through `dataDir` and the built CLI.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Page } from '@playwright/test'
import {
  generateStream,
  type GenerateOptions,
  type GeneratedStream
} from '../../test/support/stream-generator'
import { startTestServer, type TestServer, type TestServerOptions } from '../../test/support/test-server'
import { expect, OFFLINE_ENV, test as base } from '../fixtures'

export { expect }

const root = resolve(__dirname, '..', '..')
const CLI = join(root, 'out/main/cli.js')

interface WorkerFixtures {
  /** generator options for this worker's stream; the default is the generator's tiny full stream */
  streamOptions: Partial<Omit<GenerateOptions, 'dir'>>
  /** one signed stream per worker (read-only: specs that tamper make their own with makeStream) */
  stream: GeneratedStream
}

interface TestFixtures {
  /** test server knobs (rate, latency, faults) for `mirror` */
  mirrorOptions: Partial<Omit<TestServerOptions, 'root'>>
  /** `stream` served on loopback for this test; `mirror.options` can be changed while it runs */
  mirror: TestServer
  /**
   * When true, source 1 already points at `mirror` when the app starts: the admin set it up with
   * `maas-images boot-source update 1 url=… keyring_filename=…`, which the app shares.
   */
  sourceOnMirror: boolean
  /** makes another signed stream (same throwaway key) in a temp dir removed after the test */
  makeStream: (opts?: Partial<Omit<GenerateOptions, 'dir'>>) => Promise<GeneratedStream>
}

/** The smallest stream a staging spec needs: one noble amd64 image of each kind, no CentOS. */
export const ONE_NOBLE_AMD64: WorkerFixtures['streamOptions'] = {
  scale: 0.002,
  releases: ['noble'],
  arches: ['amd64'],
  versionsPerProduct: 1,
  centos: false
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  streamOptions: [{}, { scope: 'worker', option: true }],
  stream: [
    async ({ streamOptions }, use) => {
      const tmp = await mkdtemp(join(tmpdir(), 'maas-e2e-stream-'))
      await use(await generateStream({ ...streamOptions, dir: join(tmp, 'mirror') }))
      await rm(tmp, { recursive: true, force: true })
    },
    { scope: 'worker' }
  ],
  mirrorOptions: [{}, { option: true }],
  mirror: async ({ stream, mirrorOptions }, use) => {
    const server = await startTestServer({ ...mirrorOptions, root: stream.dir })
    await use(server)
    await server.close()
  },
  sourceOnMirror: [false, { option: true }],
  dataDir: async ({ dataDir, sourceOnMirror, mirror, stream }, use) => {
    if (sourceOnMirror) {
      const result = await runCli(
        dataDir,
        'boot-source',
        'update',
        '1',
        `url=${mirror.url}`,
        `keyring_filename=${stream.keyringPath}`
      )
      if (result.code !== 0) throw new Error(`cannot point source 1 at the mirror: ${result.stderr}`)
    }
    await use(dataDir)
  },
  makeStream: async ({ stream }, use) => {
    const dirs: string[] = []
    await use(async (opts = {}) => {
      const tmp = await mkdtemp(join(tmpdir(), 'maas-e2e-stream-'))
      dirs.push(tmp)
      return generateStream({ key: stream.key, ...opts, dir: join(tmp, 'mirror') })
    })
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })))
  }
})

/** Clicks a main-navigation link and waits for that screen's heading. */
export async function openScreen(
  page: Page,
  name: 'Images' | 'Change source' | 'Sources' | 'Settings'
): Promise<void> {
  await page.getByRole('navigation').getByRole('link', { name, exact: true }).click()
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible()
}

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

/** Runs the built `maas-images` CLI on the test's data directory (offline, like the app). */
export function runCli(dataDir: string, ...args: string[]): Promise<CliResult> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [CLI, '--data-dir', dataDir, ...args],
      { env: { ...process.env, ...OFFLINE_ENV }, timeout: 30_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0
        done({ code, stdout, stderr })
      }
    )
  })
}

/** Runs a CLI verb that prints JSON, failing the test with its stderr if it exits non-zero. */
export async function cliJson<T = unknown>(dataDir: string, ...args: string[]): Promise<T> {
  const result = await runCli(dataDir, ...args)
  expect(result.code, `maas-images ${args.join(' ')} failed: ${result.stderr}`).toBe(0)
  return JSON.parse(result.stdout) as T
}

/**
 * The admin's way to point MAAS Images at a mirror: Change source → Custom → URL and keyring file
 * → Connect, which only saves once the stream fetched and verified.
 */
export async function connectCustomSource(page: Page, url: string, keyringPath: string): Promise<void> {
  await openScreen(page, 'Change source')
  await page.getByTestId('choice-custom').click()
  await page.getByTestId('source-url-input').fill(url)
  await page.getByTestId('keyring-mode-file').click()
  await page.getByTestId('keyring-file-input').fill(keyringPath)
  await page.getByTestId('connect-button').click()
}

/**
 * Opens Images and waits until the catalogue has been read.
 */
export async function openImages(page: Page): Promise<void> {
  await openScreen(page, 'Images')
  await expect(page.getByTestId('refresh-catalogue')).toBeEnabled()
}

/**
 * connectCustomSource, then Update selection (Connect alone saves nothing, as in MAAS): saves the source with the
 * ticks shown and starts a sync; waits for Images, where it lands, to show the source.
 */
export async function useMirror(page: Page, url: string, keyringPath: string): Promise<void> {
  await connectCustomSource(page, url, keyringPath)
  await expect(page.getByTestId('showing-images-from')).toContainText(url)
  await page.getByTestId('save-selection').click()
  await expect(page.getByRole('heading', { level: 1, name: 'Images' })).toBeVisible()
  await expect(page.getByTestId('source-url')).toHaveText(url)
}
