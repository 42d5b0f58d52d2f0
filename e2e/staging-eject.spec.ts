/**
 * Staging ends like an imager's: onto a drive from the list, verified, then Eject and "You can now remove the
 * stick." The drive is real: an exFAT image attached to a loop device (losetup) and mounted through exfat-fuse,
 * which the drive list (lsblk, through systeminformation) reports as a mounted block device. A loop device is
 * not removable, so it is listed under "Show system and internal drives" and marked "Internal drive", as fixed
 * drives are (Etcher omits loop devices altogether). Eject on Linux is udisks's: unmount, then delete the loop. Where no udisks daemon answers
 * (a container has no system bus and no udev), a stand-in udisksctl on the services process's PATH does those
 * two steps with umount and losetup, and logs them, so the app's own commands are what the test checks.
 */
import { execFileSync } from 'node:child_process'
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { mountExfat, requireFuseTools, type FuseMount } from '../test/support/fuse-mounts'
import { freePort } from './support/free-port'
import { lacksRoot } from './support/root-only'
import { captureState } from './support/screenshots'
import { expect, ONE_NOBLE_AMD64, runCli, test as base } from './support/stream-fixtures'

const NOT_ROOT = 'attaching a loop device and mounting exFAT (FUSE) needs root; CI runs this as root'

/** Whether a udisks daemon answers here: then the real udisksctl ejects. */
function udisksRuns(): boolean {
  try {
    execFileSync('udisksctl', ['status'], { stdio: 'ignore', timeout: 10_000 })
    return true
  } catch {
    return false
  }
}

/** A stand-in for udisksctl that does what udisks does for a loop device, with the system's tools, and logs. */
const FAKE_UDISKSCTL = (log: string): string => `#!/bin/sh
echo "$*" >> '${log}'
verb=$1
dev=
while [ $# -gt 0 ]; do
  case $1 in -b) dev=$2; shift 2 ;; *) shift ;; esac
done
case $verb in
  unmount)
    point=$(findmnt -n -o TARGET --source "$dev" | head -n 1)
    [ -n "$point" ] || { echo "Error unmounting $dev: not mounted" >&2; exit 1; }
    umount "$point" ;;
  loop-delete) losetup -d "$dev" ;;
  *) echo "Error: this stand-in does only unmount and loop-delete, not $verb" >&2; exit 1 ;;
esac
`

interface Udisks {
  /** the folder holding the stand-in, put first on the services process's PATH; null when udisks runs */
  dir: string | null
  /** the stand-in's log of its calls */
  log: string | null
}

const test = base.extend<{ udisks: Udisks }>({
  // eslint-disable-next-line no-empty-pattern
  udisks: async ({}, use) => {
    if (udisksRuns()) return use({ dir: null, log: null })
    const dir = await mkdtemp(join(tmpdir(), 'maas-e2e-udisks-'))
    const log = join(dir, 'calls.log')
    await writeFile(join(dir, 'udisksctl'), FAKE_UDISKSCTL(log))
    await chmod(join(dir, 'udisksctl'), 0o755)
    await writeFile(log, '')
    await use({ dir, log })
    await rm(dir, { recursive: true, force: true })
  },
  hostEnv: async ({ udisks }, use) =>
    use(udisks.dir ? { PATH: `${udisks.dir}:${process.env.PATH ?? ''}` } : {})
})

test.use({ streamOptions: ONE_NOBLE_AMD64, sourceOnMirror: true })

test.describe('a drive from the list, ejected at the end', () => {
  test.skip(lacksRoot(`e2e/staging-eject.spec.ts: ${NOT_ROOT}`), NOT_ROOT)
  let tmp: string
  let stick: FuseMount | null = null
  test.beforeEach(async () => {
    requireFuseTools()
    tmp = await mkdtemp(join(tmpdir(), 'maas-e2e-eject-'))
  })
  test.afterEach(async () => {
    await stick?.unmount().catch(() => undefined)
    await rm(tmp, { recursive: true, force: true })
  })

  test('exFAT on a loop device: listed, staged, verified, Eject, "You can now remove the stick."', async ({
    page,
    dataDir,
    udisks
  }) => {
    test.slow()
    expect((await runCli(dataDir, 'boot-resources', 'import', '--wait')).code).toBe(0)
    stick = await mountExfat(tmp)
    const device = execFileSync('findmnt', ['-n', '-o', 'SOURCE', '--target', stick.point], {
      encoding: 'utf8'
    }).trim()
    expect(device).toMatch(/^\/dev\/loop\d+$/)

    await page.getByRole('navigation').getByRole('link', { name: 'Staging', exact: true }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Stage to a USB stick or disk' })).toBeVisible()
    // Not removable, so not listed until the admin asks for every drive.
    const row = page.getByTestId(`drive-${stick.point}`)
    await expect(page.getByTestId('drives')).toBeVisible()
    await expect(row).toHaveCount(0)
    await page.getByText('Show system and internal drives').click()
    await expect(row).toContainText(device)
    await expect(row.getByTestId('system-drive')).toHaveCount(0)
    await expect(row.getByTestId('internal-drive')).toHaveText('Internal drive')
    await row.getByRole('button', { name: /^Use / }).click()
    await expect(page.getByTestId('staging-needed')).toBeVisible()
    await page.getByTestId('staging-start').click()
    await expect(page.getByTestId('staging-result')).toContainText(`Staged onto ${stick.point}`, {
      timeout: 60_000
    })
    await page.getByTestId('verify-stick').click()
    await expect(page.getByTestId('verify-result')).toContainText('The stick is good', { timeout: 60_000 })

    // Verify stick ends the same way: Eject in its own card, the only one on screen.
    const verifyCard = page.getByTestId('verify')
    await expect(page.getByTestId('staging-eject')).toHaveCount(1)

    // While the stick is served to MAAS, Eject waits, the reason beside it as its description; stopping serving
    // frees it.
    await page.getByTestId('serve-port').fill(String(await freePort()))
    await page.getByText('The staged folder or drive').click()
    await page.getByTestId('serve-toggle').click()
    await expect(page.getByTestId('serve-label')).toContainText(stick.point)
    await expect(verifyCard.getByTestId('staging-eject')).toBeDisabled()
    await expect(verifyCard.getByTestId('staging-eject')).toHaveAccessibleDescription(
      'The stick is being served to MAAS. Stop serving before you eject it, or a MAAS region syncing from it would fail.'
    )
    await captureState(page, 'staging-eject-served', {
      state: 'Staging: the stick served, Eject waits',
      focus: verifyCard
    })
    await page.getByTestId('serve-toggle').click()
    await expect(page.getByTestId('serve-toggle')).toHaveText('Start serving')
    await expect(verifyCard.getByTestId('staging-eject')).toBeEnabled()
    await verifyCard.getByTestId('staging-eject').click()
    // named by its label where udev reports one, else by its mount point
    await expect(verifyCard.getByTestId('staging-ejected')).toHaveText(
      /^(MAASIMAGES|\/.+\/exfat) was ejected\. You can now remove the stick\.$/
    )
    // Really gone: not mounted, the loop deleted, and the row left the list.
    const mounts = await readFile('/proc/self/mounts', 'utf8')
    expect(mounts.split('\n').some((l) => l.split(' ')[1] === stick!.point)).toBe(false)
    expect(execFileSync('losetup', ['-a'], { encoding: 'utf8' })).not.toContain(stick.image)
    await expect(row).toHaveCount(0)
    await expect(page.getByTestId('staging-ejected')).toHaveCount(1)
    // The ejected stick is no longer offered to verify or serve, and the reason is reachable by Tab.
    const ejectedReason = 'The stick was ejected. Plug it in again and choose it to verify or serve it.'
    await expect(page.getByTestId('verify-stick')).toBeDisabled()
    await expect(page.getByTestId('serve-what-staged')).toBeDisabled()
    await expect(page.getByTestId('serve-what-source')).toBeChecked()
    for (const testid of ['serve-staged-why', 'verify-stick-why']) {
      const why = page.getByTestId(testid)
      await why.focus()
      await page.keyboard.press('Shift+Tab')
      await page.keyboard.press('Tab')
      await expect(why).toBeFocused()
      await expect(why.getByRole('tooltip')).toBeVisible()
      await expect(why.getByRole('tooltip')).toHaveText(ejectedReason)
    }
    await captureState(page, 'staging-ejected', {
      state: 'Staging: staged, verified, ejected',
      focus: page.getByTestId('verify')
    })
    if (udisks.log)
      expect((await readFile(udisks.log, 'utf8')).trim().split('\n')).toEqual([
        `unmount --no-user-interaction -b ${device}`,
        `loop-delete --no-user-interaction -b ${device}`
      ])
    stick = null
  })
})
