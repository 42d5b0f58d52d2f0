/**
 * Eject ends staging as imagers do: udisks on Linux (unmount, then power off; a loop device's loop deleted), diskutil on macOS, the shell's
 * Eject verb on Windows, with the drive named as an argument (never spliced into a command text). The gateway
 * ejects only a drive it listed, and never the one being staged onto.
 */
import { describe, expect, it, vi } from 'vitest'
import type { Drive } from '@shared/types'
import { ejectCommands, ejectDrive, type EjectStep } from '../../src/main/stage/eject'
import { StagingGateway } from '../../src/main/services/staging-gateway'
import { AppEvents } from '../../src/main/services/events'

const stick = { device: '/dev/sdb1', mount: '/media/admin/MAASIMAGES' }

describe('eject commands', () => {
  it('Linux: udisksctl unmount then power-off of the block device, without prompting', () => {
    expect(ejectCommands('linux', stick)).toEqual([
      { command: 'udisksctl', args: ['unmount', '--no-user-interaction', '-b', '/dev/sdb1'] },
      { command: 'udisksctl', args: ['power-off', '--no-user-interaction', '-b', '/dev/sdb1'] }
    ])
  })

  it('Linux, a disk image on a loop device: unmount, then loop-delete of the loop (it has no drive to power off)', () => {
    expect(ejectCommands('linux', { device: '/dev/loop3', mount: '/mnt/image' })).toEqual([
      { command: 'udisksctl', args: ['unmount', '--no-user-interaction', '-b', '/dev/loop3'] },
      { command: 'udisksctl', args: ['loop-delete', '--no-user-interaction', '-b', '/dev/loop3'] }
    ])
    // a partition of a partitioned image: its own device unmounted, its loop deleted
    expect(ejectCommands('linux', { device: '/dev/loop12p1', mount: '/mnt/image' })).toEqual([
      { command: 'udisksctl', args: ['unmount', '--no-user-interaction', '-b', '/dev/loop12p1'] },
      { command: 'udisksctl', args: ['loop-delete', '--no-user-interaction', '-b', '/dev/loop12'] }
    ])
  })

  it('macOS: diskutil eject of the mount point', () => {
    expect(ejectCommands('darwin', { device: '/dev/disk4s1', mount: '/Volumes/MAAS' })).toEqual([
      { command: 'diskutil', args: ['eject', '/Volumes/MAAS'] }
    ])
  })

  it('Windows: the shell’s Eject verb, the letter passed in the environment, not in the command', () => {
    const [step] = ejectCommands('win32', { device: '\\\\.\\PhysicalDrive1', mount: 'e:\\' })
    expect(step.command).toBe('powershell.exe')
    expect(step.env).toEqual({ MAAS_IMAGES_EJECT: 'E' })
    expect(step.args.join(' ')).toContain("InvokeVerb('Eject')")
    expect(step.args.join(' ')).not.toContain('e:')
    expect(() => ejectCommands('win32', { device: 'x', mount: '\\\\server\\share' })).toThrow(
      /not a drive letter/
    )
  })

  it('runs the steps in order and stops at the first that fails', async () => {
    const ran: EjectStep[] = []
    await ejectDrive(stick, 'linux', async (s) => {
      ran.push(s)
    })
    expect(ran.map((s) => s.args[0])).toEqual(['unmount', 'power-off'])
    const failing = vi.fn(async () => {
      throw new Error('busy')
    })
    await expect(ejectDrive(stick, 'linux', failing)).rejects.toThrow('busy')
    expect(failing).toHaveBeenCalledTimes(1)
  })
})

describe('StagingGateway.ejectDrive', () => {
  const drive: Drive = {
    ...stick,
    label: 'MAASIMAGES',
    fs_type: 'vfat',
    size: 8e9,
    free: 7e9,
    removable: true,
    model: 'Flash',
    system: false
  }
  const gateway = (eject: (d: { device: string; mount: string }) => Promise<void>) =>
    new StagingGateway(
      {
        dataDir: '/nonexistent',
        version: '0',
        events: new AppEvents(),
        getSource: async () => {
          throw new Error('unused')
        },
        mayStageTo: () => false
      },
      async () => [drive],
      eject
    )

  it('ejects a listed drive and says it may be removed; refuses a mount it never listed', async () => {
    const ejected: Array<{ device: string; mount: string }> = []
    const gw = gateway(async (d) => {
      ejected.push(d)
    })
    await expect(gw.ejectDrive('/etc')).rejects.toThrow(
      /choose the drive to eject from the list of drives: \/etc/
    )
    await gw.drives()
    expect(await gw.ejectDrive(stick.mount)).toEqual({
      ejected: true,
      message: 'MAASIMAGES was ejected. You can now remove the stick.'
    })
    expect(ejected).toEqual([drive])
    // Gone from the list: it cannot be staged onto or ejected again until it is listed again.
    await expect(gw.ejectDrive(stick.mount)).rejects.toThrow(/list of drives/)
  })
})
