/**
 * Staging: after a sync, the admin opens Staging, points it at a directory (a stick's mount point),
 * sees what is needed against what is free, stages with progress and Stop, verifies the stick and
 * serves it on a port they chose. Each state is audited with axe and photographed.
 */
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import type { Page } from '@playwright/test'
import { freePort } from './support/free-port'
import { captureState } from './support/screenshots'
import { expect, ONE_NOBLE_AMD64, runCli, test } from './support/stream-fixtures'
import {
  attachFat32,
  mountFat32,
  mountTmpfs,
  requireFuseTools,
  type FuseMount
} from '../test/support/fuse-mounts'
import { lacksRoot } from './support/root-only'

/** Mounting file systems needs root; CI runs as root. Without it these cases skip, saying why. */
const NOT_ROOT = 'mounting a FAT32 stick (FUSE) or a tmpfs needs root; CI runs these as root'
const notRoot = lacksRoot(`the staging cases on sticks: ${NOT_ROOT}`)

async function openStaging(page: Page): Promise<void> {
  await page.getByRole('navigation').getByRole('link', { name: 'Staging', exact: true }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Stage to a USB stick or disk' })).toBeVisible()
  await expect(page.getByTestId('staging-choice')).toHaveCount(1)
}

async function checkTarget(page: Page, dir: string): Promise<void> {
  await page.getByTestId('staging-target').fill(dir)
  await page.getByTestId('staging-check').click()
  await expect(page.getByTestId('staging-needed')).toBeVisible()
}

test.use({ streamOptions: ONE_NOBLE_AMD64, sourceOnMirror: true })

/**
 * Browser mode: the bridge is a WebSocket, so the spec can hold back main's staging events after the
 * first copying progress (the one with the byte total). The screen then stays on a real mid-staging frame (progress and Stop) long
 * enough to audit and photograph it, however fast staging is; `release` delivers the rest in order.
 */
async function holdStagingEvents(page: Page): Promise<{ held: Promise<void>; release(): void }> {
  const queue: Array<() => void> = []
  let holding = false
  let release: () => void = () => undefined
  let heldResolve: () => void = () => undefined
  const held = new Promise<void>((r) => (heldResolve = r))
  await page.routeWebSocket(/\/bridge/, (ws) => {
    const server = ws.connectToServer()
    ws.onMessage((m) => server.send(m))
    server.onMessage((m) => {
      const text = typeof m === 'string' ? m : m.toString('utf8')
      const msg = JSON.parse(text) as { event?: string; payload?: { phase?: string } }
      const staging = msg.event === 'stagingProgress' || msg.event === 'stagingFinished'
      if (holding && staging) {
        queue.push(() => ws.send(m))
        return
      }
      ws.send(m)
      if (msg.event === 'stagingProgress' && msg.payload?.phase === 'copying') {
        holding = true
        heldResolve()
      }
    })
    release = () => {
      holding = false
      for (const send of queue.splice(0)) send()
    }
  })
  // The route applies to sockets opened from now on: reconnect the page's bridge through it.
  await page.reload()
  return { held, release: () => release() }
}

test('stages the chosen images onto a directory, shows the figures, verifies, removes what the last staging left, serves the stick', async ({
  page,
  dataDir,
  stream,
  mode
}) => {
  // Every state is audited and photographed at two sizes, on a machine shared with other runs.
  test.setTimeout(180_000)
  const imported = await runCli(dataDir, 'boot-resources', 'import', '--wait')
  expect(imported.code, imported.stderr).toBe(0)
  const stick = await mkdtemp(join(tmpdir(), 'maas-e2e-stick-'))
  try {
    const hold = mode === 'browser' ? await holdStagingEvents(page) : null
    await openStaging(page)
    // 1. What: the images as the Images table names them, ticked, with their size.
    const choice = page.getByTestId('staging-choice')
    await expect(choice).toContainText('ubuntu/noble amd64')
    await expect(choice.getByRole('checkbox')).toBeChecked()
    await expect(page.getByTestId('drives')).toBeVisible()
    await captureState(page, 'staging-start', {
      state: 'Staging: nothing chosen yet',
      focus: page.getByTestId('staging-images')
    })

    // Outside the desktop app there is no native dialog: the refusal is shown, typing still works.
    if (mode === 'browser') {
      await page.getByTestId('staging-choose-folder').click()
      await expect(page.getByTestId('staging-pick-error')).toHaveText(
        'File and folder pickers exist only in the desktop app'
      )
    }
    await checkTarget(page, stick)
    await expect(page.getByTestId('staging-plan')).toContainText('ubuntu/noble amd64/ga-24.04')
    // Counted as the Images table counts: one image (release × architecture), its kernels listed.
    await expect(page.getByTestId('staging-what')).toContainText(
      /^\s*1 image \(2 kernels\) and \d+ bootloaders/
    )
    await expect(page.getByTestId('staging-needed')).toHaveText(/^[\d.]+ (KB|MB)$/)
    await expect(page.getByTestId('staging-free')).toContainText('free')
    await expect(page.getByTestId('staging-space-meter')).toBeVisible()
    await expect(page.getByTestId('staging-start')).toHaveText('Stage')
    // A temp folder is on the system disk, not a stick: said before anything is written.
    await expect(page.getByTestId('staging-system-drive')).toContainText('on the system drive')
    await captureState(page, 'staging-plan', {
      state: 'Staging: what it needs against what is free',
      focus: page.getByTestId('staging-start')
    })

    await page.getByTestId('staging-start').click()
    if (hold) {
      await hold.held
      await expect(page.getByTestId('staging-stop')).toBeVisible()
      await expect(page.getByTestId('staging-figures')).toContainText(
        /Files \d+\/\d+, [\d.]+ (B|KB|MB) of [\d.]+ (KB|MB)/
      )
      await captureState(page, 'staging-progress', {
        state: 'Staging: in progress, with Stop',
        focus: page.getByTestId('staging-progress')
      })
      hold.release()
    }
    const result = page.getByTestId('staging-result')
    await expect(result).toContainText('Every file was read back from the drive and verified', {
      timeout: 30_000
    })
    await expect(page.getByTestId('staging-progress')).toHaveCount(0)
    await expect(page.getByTestId('staging-checked')).toHaveText(/^\d+ files \([\d.]+ (KB|MB)\) checked:\s*$/)
    await expect(page.getByTestId('staging-figures')).toContainText(
      /^\s*\d+ copied \([\d.]+ (KB|MB)\), 0 already there, in [\d.]+ s\.\s*$/
    )
    // The signed index on the stick is the upstream file, byte for byte.
    const rel = 'streams/v1/index.sjson'
    expect((await readFile(join(stick, rel))).equals(await readFile(join(stream.dir, rel)))).toBe(true)

    await page.getByTestId('verify-stick').click()
    await expect(page.getByTestId('verify-result')).toContainText('The stick is good', { timeout: 30_000 })
    await expect(page.getByTestId('verify-result')).toContainText('0 corrupt')
    await expect(page.getByTestId('verify-checked')).toHaveText(
      /^\d+ files \([\d.]+ (KB|MB) of images\) checked\.\s*$/
    )
    await captureState(page, 'staging-done', {
      state: 'Staging: staged and verified',
      focus: page.getByTestId('verify')
    })

    // A reused stick: the previous staging (an older version) left a file its manifest lists. The plan counts
    // it as freed, and staging again removes it, and only it.
    const old = 'ubuntu/noble/amd64/20200101/squashfs'
    await mkdir(join(stick, 'ubuntu/noble/amd64/20200101'), { recursive: true })
    await writeFile(join(stick, old), Buffer.alloc(200_000, 7))
    await writeFile(join(stick, 'ubuntu/noble/amd64/20200101/notes.txt'), 'the admin’s own file')
    const manifestPath = join(stick, 'maas-images-stage.json')
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8'))
    manifest.items.push({ path: old, sha256: 'a'.repeat(64), size: 200_000 })
    await writeFile(manifestPath, JSON.stringify(manifest))
    await page.getByTestId('staging-check').click()
    await expect(page.getByTestId('staging-freed')).toHaveText('200 KB')
    await expect(page.getByTestId('staging-stale')).toContainText('1 file of the previous staging (200 KB)')
    await page.getByTestId('staging-start').click()
    await expect(page.getByTestId('staging-removed')).toHaveText(
      'Removed 1 file (200 KB) of the previous staging that this one does not keep.',
      { timeout: 30_000 }
    )
    await expect(readFile(join(stick, old))).rejects.toThrow(/ENOENT/)
    expect(await readFile(join(stick, 'ubuntu/noble/amd64/20200101/notes.txt'), 'utf8')).toBe(
      'the admin’s own file'
    )

    // Serve to MAAS: the stick just verified, on the port the admin typed, loopback unless they tick the box.
    const port = await freePort()
    await expect(page.getByTestId('serve-port')).toHaveValue('8780')
    await page.getByTestId('serve-port').fill(String(port))
    // Vanilla draws the radio on its label, which takes the click.
    await page.getByText('The staged folder or drive').click()
    await expect(page.getByTestId('serve-what-staged')).toBeChecked()
    await page.getByTestId('serve-toggle').click()
    await expect(page.getByTestId('serve-url')).toHaveText(`http://127.0.0.1:${port}/`)
    await expect(page.getByTestId('serve-status')).toContainText('Only this machine can reach it')
    const url = (await page.getByTestId('serve-url').textContent())!
    const res = await page.request.get(url + rel)
    expect(res.status()).toBe(200)
    expect((await res.body()).equals(await readFile(join(stream.dir, rel)))).toBe(true)
    // What is served is the stick, not the cache.
    await expect(page.getByTestId('serve-label')).toHaveText(stick)
    await captureState(page, 'staging', {
      state: 'Staging: staged, verified and serving',
      focus: page.getByTestId('serving')
    })
    await page.getByTestId('serve-toggle').click()
    await expect(page.getByTestId('serve-toggle')).toHaveText('Start serving')
    await expect(page.getByTestId('serve-status')).toHaveCount(0)

    // The stick's folder replaced under the server (as a stick ejected from the desktop leaves its mount
    // point): serving stops by itself, the card says why, and nothing is served from the folder now there.
    await page.getByTestId('serve-toggle').click()
    await expect(page.getByTestId('serve-url')).toHaveText(`http://127.0.0.1:${port}/`)
    await rename(stick, `${stick}-ejected`)
    await mkdir(join(stick, dirname(rel)), { recursive: true })
    await writeFile(join(stick, rel), 'the folder beneath')
    const serveCard = page.getByTestId('serving')
    await expect(serveCard.getByTestId('step-error-title')).toHaveText('Serving stopped')
    await expect(serveCard.getByTestId('step-error-message')).toHaveText(
      `${stick} is no longer the folder serving started with: it was replaced by another folder. ` +
        'A MAAS region can no longer sync from it.'
    )
    await expect(page.getByTestId('serve-status')).toHaveCount(0)
    await expect(page.getByTestId('serve-toggle')).toHaveText('Start serving')
    await expect(page.request.get(url + rel)).rejects.toThrow()
    await captureState(page, 'staging-serving-stopped', {
      state: 'Staging: serving stopped, the stick’s folder replaced',
      focus: serveCard
    })
  } finally {
    await rm(stick, { recursive: true, force: true })
    await rm(`${stick}-ejected`, { recursive: true, force: true })
  }
})

test('a port already in use is said in the Serve card, and goes once the port changes and serving starts', async ({
  page,
  dataDir
}) => {
  expect((await runCli(dataDir, 'boot-resources', 'import', '--wait')).code).toBe(0)
  // Someone else holds the port the admin types.
  const other = createServer()
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve))
  const taken = (other.address() as { port: number }).port
  try {
    await openStaging(page)
    const card = page.getByTestId('serving')
    const error = card.getByTestId('step-error')
    const tryPort = async (port: number): Promise<void> => {
      await page.getByTestId('serve-port').fill(String(port))
      await page.getByTestId('serve-toggle').click()
    }
    await tryPort(taken)
    await expect(error.getByTestId('step-error-title')).toHaveText('Serving did not start')
    await expect(error.getByTestId('step-error-message')).toHaveText(
      `Cannot listen on 127.0.0.1:${taken}: port ${taken} is already in use; choose another port`
    )
    // In the card where it happened, and nowhere else.
    await expect(page.getByTestId('step-error')).toHaveCount(1)
    await captureState(page, 'staging-serve-port-in-use', {
      state: 'Staging: the serve port is in use',
      focus: card
    })

    // Another screen and back: the error stayed with the attempt, not with the screen.
    await page.getByRole('navigation').getByRole('link', { name: 'Images', exact: true }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Images' })).toBeVisible()
    await openStaging(page)
    await expect(error).toHaveCount(0)

    // Typing another port clears it at once; serving there then starts.
    await tryPort(taken)
    await expect(error).toBeVisible()
    const port = await freePort()
    await page.getByTestId('serve-port').fill(String(port))
    await expect(error).toHaveCount(0)
    await page.getByTestId('serve-toggle').click()
    await expect(page.getByTestId('serve-url')).toHaveText(`http://127.0.0.1:${port}/`)
    await expect(error).toHaveCount(0)
    await page.getByTestId('serve-toggle').click()
    await expect(page.getByTestId('serve-toggle')).toHaveText('Start serving')
  } finally {
    await new Promise((resolve) => other.close(resolve))
  }
})

test.describe('a stick that is too small, full or pulled', () => {
  test.skip(notRoot, NOT_ROOT)
  let tmp: string
  const mounts: FuseMount[] = []
  test.beforeEach(async () => {
    requireFuseTools()
    tmp = await mkdtemp(join(tmpdir(), 'maas-e2e-sticks-'))
  })
  test.afterEach(async () => {
    for (const m of mounts.splice(0).reverse()) await m.unmount().catch(() => undefined)
    await rm(tmp, { recursive: true, force: true })
  })

  test('too small: the shortfall is red on the bar and the button, and nothing is staged', async ({
    page,
    dataDir
  }) => {
    expect((await runCli(dataDir, 'boot-resources', 'import', '--wait')).code).toBe(0)
    const small = await mountTmpfs(join(tmp, 'small'), 512 * 1024)
    mounts.push(small)
    await openStaging(page)
    await checkTarget(page, small.point)
    const button = page.getByTestId('staging-start')
    await expect(button).toHaveText(/^Too small: [\d.]+ (KB|MB) more needed$/)
    await expect(button).toBeDisabled()
    await expect(page.getByTestId('staging-space-meter')).toHaveClass(/is-short/)
    await expect(page.getByTestId('staging-short')).toContainText('more are needed')
    await captureState(page, 'staging-too-small', {
      state: 'Staging: too small',
      focus: page.getByTestId('staging-plan')
    })
  })

  test('full mid-way (FAT32 through fusefat): said in the Stage card in plain words, no errno on screen', async ({
    page,
    dataDir
  }) => {
    expect((await runCli(dataDir, 'boot-resources', 'import', '--wait')).code).toBe(0)
    const fat = await mountFat32(tmp, 34)
    mounts.push(fat)
    // Someone else's files fill the stick, in a folder staging leaves alone (fusefat reports no free space).
    await mkdir(join(fat.point, 'System Volume Information'))
    const filler = Buffer.alloc(1024 * 1024, 1)
    for (let i = 0; ; i++) {
      const ok = await writeFile(join(fat.point, 'System Volume Information', `f${i}`), filler).then(
        () => true,
        () => false
      )
      if (!ok) break
    }
    await openStaging(page)
    await checkTarget(page, fat.point)
    await page.getByTestId('staging-start').click()
    const error = page.getByTestId('staging-plan').getByTestId('step-error')
    await expect(error.getByTestId('step-error-title')).toHaveText('Staging failed', { timeout: 30_000 })
    await expect(error.getByTestId('step-error-message')).toHaveText(
      /^The stick is full: [\d.]+ (KB|MB) more are needed\. Free some space on .* or use a larger stick, then press Stage: staging resumes\.$/
    )
    await expect(error.getByTestId('step-error-message')).not.toContainText(/E[A-Z]{3,}:/)
    await expect(page.getByTestId('staging-error')).toHaveCount(0)
    await captureState(page, 'staging-full', {
      state: 'Staging: the stick is full',
      focus: page.getByTestId('staging-plan')
    })
  })

  test('pulled (fusefat killed): "plug it in again", and Stage then resumes', async ({ page, dataDir }) => {
    expect((await runCli(dataDir, 'boot-resources', 'import', '--wait')).code).toBe(0)
    let fat = await mountFat32(tmp)
    mounts.push(fat)
    await openStaging(page)
    await checkTarget(page, fat.point)
    // Pulled between the check and Stage: the first thing staging opens (its lock) fails with ENOTCONN.
    fat.daemon!.kill('SIGKILL')
    await page.getByTestId('staging-start').click()
    const error = page.getByTestId('staging-plan').getByTestId('step-error')
    await expect(error.getByTestId('step-error-message')).toHaveText(
      'The stick was removed while staging (or stopped answering). Plug it in again and press Stage: staging resumes. Files written so far are whole.',
      { timeout: 30_000 }
    )
    await expect(error.getByTestId('step-error-detail')).toBeHidden()
    await expect(error.getByText('Details')).toBeVisible()
    await captureState(page, 'staging-pulled', {
      state: 'Staging: the stick was pulled',
      focus: page.getByTestId('staging-plan')
    })
    // Plugged in again: Stage finishes.
    await fat.unmount()
    mounts.splice(mounts.indexOf(fat), 1)
    fat = await attachFat32(fat.image, fat.point)
    mounts.push(fat)
    await page.getByTestId('staging-start').click()
    await expect(page.getByTestId('staging-result')).toContainText('Staged onto', { timeout: 30_000 })
    await expect(page.getByTestId('step-error')).toHaveCount(0)
  })
})
