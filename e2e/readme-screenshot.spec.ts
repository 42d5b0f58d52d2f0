/**
 * The README's picture of the Images page, as a user of maas.io sees it: the source is
 * `http://images.maas.io/ephemeral-v3/stable/` (the http:// form MAAS's docs use), and nothing on
 * screen names 127.0.0.1 or a temporary path.
 *
 * How, honestly: the tests have no network, so the generated signed stream is served under maas.io's
 * name by a loopback HTTP proxy (the app's own http_proxy setting points at it). The app fetches,
 * verifies and imports it exactly as it would the real one; only the signing key is the test key,
 * given as pasted keyring data, since the real Ubuntu key cannot sign generated data. The picture
 * is written to test-results/screenshots/readme-images.png and copied to docs/screenshot-images.png
 * by hand when the page changes.
 */
import { readFileSync } from 'node:fs'
import { createServer, request, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { captureState } from './support/screenshots'
import { cliJson, expect, openImages, runCli, test } from './support/stream-fixtures'

const MAAS_IO_HTTP = 'http://images.maas.io/ephemeral-v3/stable/'

/** A forward proxy that answers for maas.io's stable stream from the loopback mirror, and nothing else. */
function maasIoProxy(mirrorUrl: string): Promise<Server> {
  const server = createServer((req, res) => {
    const target = req.url ?? ''
    if (!target.startsWith(MAAS_IO_HTTP)) {
      res.writeHead(502).end(`this test proxy only serves ${MAAS_IO_HTTP}`)
      return
    }
    const upstream = new URL(target.slice(MAAS_IO_HTTP.length), mirrorUrl)
    const { 'proxy-connection': _hop, ...rest } = req.headers as Record<string, string | string[] | undefined>
    const headers = { ...rest, host: upstream.host }
    const forward = request(upstream, { method: req.method, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(res)
    })
    forward.on('error', (err) => res.destroy(err))
    req.pipe(forward)
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)))
}

test('README screenshot: the Images page with maas.io names', async ({ page, dataDir, mirror, stream }) => {
  const proxy = await maasIoProxy(mirror.url)
  try {
    const port = (proxy.address() as AddressInfo).port
    await cliJson(dataDir, 'settings', 'update', `http_proxy=http://127.0.0.1:${port}`)
    const keyring = readFileSync(stream.keyringPath).toString('base64')
    await cliJson(dataDir, 'boot-source', 'update', '1', `url=${MAAS_IO_HTTP}`, `keyring_data=${keyring}`)
    await cliJson(
      dataDir,
      'boot-source-selections',
      'create',
      '1',
      'os=ubuntu',
      'release=jammy',
      'arches=amd64',
      'arches=arm64'
    )
    const imported = await runCli(dataDir, 'boot-resources', 'import', '--wait')
    expect(imported.code, imported.stderr).toBe(0)

    await page.reload()
    await openImages(page)
    await expect(page.getByTestId('source-url')).toHaveText(MAAS_IO_HTTP)
    await expect(page.getByTestId('image-selection')).toContainText('signatures verified')
    await expect(
      page.getByTestId('resources-table').locator('[data-image="ubuntu-jammy-arm64"]')
    ).toContainText('Synced')
    // Nothing on screen names the loopback mirror or a temporary path.
    const text = await page.locator('main').innerText()
    expect(text).not.toContain('127.0.0.1')
    expect(text).not.toMatch(/\/tmp\//)
    await captureState(page, 'images-maas-io-names', { state: 'Images with maas.io names' })
    // The README's own picture, not a state's: tall enough for the whole page (the app scrolls inside its main
    // pane, so fullPage alone shows one window), light, at the laptop width.
    await page.setViewportSize({ width: 1280, height: 1900 })
    await page.locator('main').evaluate((el) => el.scrollTo(0, 0))
    await page.screenshot({ path: 'test-results/screenshots/readme-images.png' })
  } finally {
    await new Promise((resolve) => proxy.close(resolve))
  }
})
