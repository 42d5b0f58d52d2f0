/**
 * Eject, as imagers end: the drive is unmounted and powered off so the admin may pull it. Each system's own
 * tool does it: udisks on Linux (`udisksctl unmount`, then `power-off`, or `loop-delete` for a disk image on a
 * loop device, as the desktop's eject does, with no root needed for a removable drive), `diskutil eject` on macOS, and on Windows the shell's own Eject verb
 * (what Explorer's "Eject" runs). Arguments go as an array to execFile, never through a shell string of ours:
 * the Windows verb takes the drive letter from an environment variable, not from the command text.
 */
import { execFile } from 'node:child_process'
import { AppError } from '@shared/errors'

export interface EjectStep {
  command: string
  args: string[]
  env?: Record<string, string>
}

/** The commands that eject the drive mounted at `mount` from block device `device`, in order. */
export function ejectCommands(
  platform: NodeJS.Platform,
  drive: { device: string; mount: string }
): EjectStep[] {
  if (platform === 'linux') {
    // A loop device (a disk image attached with losetup) has no drive to power off: udisks refuses power-off
    // for it, and the desktop's eject deletes the loop instead, which frees the image file.
    const loop = /^(\/dev\/loop\d+)(?:p\d+)?$/.exec(drive.device)?.[1]
    return [
      { command: 'udisksctl', args: ['unmount', '--no-user-interaction', '-b', drive.device] },
      loop
        ? { command: 'udisksctl', args: ['loop-delete', '--no-user-interaction', '-b', loop] }
        : { command: 'udisksctl', args: ['power-off', '--no-user-interaction', '-b', drive.device] }
    ]
  }
  if (platform === 'darwin') return [{ command: 'diskutil', args: ['eject', drive.mount] }]
  if (platform === 'win32') {
    const letter = /^([A-Za-z]):/.exec(drive.mount)?.[1]
    if (!letter) throw new AppError('invalid_argument', `${drive.mount} is not a drive letter to eject`)
    return [
      {
        command: 'powershell.exe',
        args: [
          '-NoProfile',
          '-NonInteractive',
          '-Command',
          "(New-Object -ComObject Shell.Application).Namespace(17).ParseName($env:MAAS_IMAGES_EJECT + ':').InvokeVerb('Eject')"
        ],
        env: { MAAS_IMAGES_EJECT: letter.toUpperCase() }
      }
    ]
  }
  throw new AppError('invalid_argument', `ejecting a drive is not supported on ${platform}`)
}

export type StepRunner = (step: EjectStep) => Promise<void>

/** Runs one step, its failure said in plain words with the tool's own message as the detail. */
export const runStep: StepRunner = (step) =>
  new Promise((resolve, reject) => {
    execFile(
      step.command,
      step.args,
      { timeout: 60_000, env: { ...process.env, ...step.env }, windowsHide: true },
      (err, _stdout, stderr) => {
        if (!err) return resolve()
        const missing = (err as NodeJS.ErrnoException).code === 'ENOENT'
        reject(
          new AppError(
            'io',
            missing
              ? `The ${step.command} command is not installed, so the drive cannot be ejected from here. Unmount it from the desktop before you pull it.`
              : 'The drive could not be ejected: a file on it may still be open. Close what uses it and press Eject again.',
            {
              cause: err,
              detail: `${step.command} ${step.args.join(' ')}: ${String(stderr || err.message).trim()}`
            }
          )
        )
      }
    )
  })

export async function ejectDrive(
  drive: { device: string; mount: string },
  platform: NodeJS.Platform = process.platform,
  run: StepRunner = runStep
): Promise<void> {
  for (const step of ejectCommands(platform, drive)) await run(step)
}
