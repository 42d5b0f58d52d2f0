/**
 * Pure pieces of the Staging screen: an image's key and label as the Images table names it, a drive's name
 * as imagers show it, and a failed step as a titled error with its technical detail kept apart.
 */
import type { Drive, StagingChoice } from '@shared/types'
import { asSentence, errorMessage } from './error-message'

export const choiceKey = (c: Pick<StagingChoice, 'os' | 'release' | 'arch'>): string =>
  `${c.os}/${c.release}/${c.arch}`

/** "ubuntu/noble amd64", as the Images table reads. */
export const choiceLabel = (c: Pick<StagingChoice, 'os' | 'release' | 'arch'>): string =>
  `${c.os}/${c.release} ${c.arch}`

/** The model or label first (what is printed on the stick), the mount point when there is neither. */
export function driveName(d: Drive): string {
  const parts = [d.model, d.label].filter((p) => p && p.trim())
  return parts.length ? parts.join(' · ') : d.mount
}

/** Why Verify and "serve the staged drive" are off once the target was ejected, until a target is chosen again. */
export const STICK_EJECTED_REASON =
  'The stick was ejected. Plug it in again and choose it to verify or serve it.'

export const STICK_SERVED_REASON =
  'The stick is being served to MAAS. Stop serving before you eject it, or a MAAS region syncing from it would fail.'

/** Whether `dir` is the folder mounted at `mount` or one under it (POSIX or Windows names, as main gives them). */
export function isOnMount(dir: string | null | undefined, mount: string): boolean {
  if (!dir) return false
  const root = /[\\/]$/.test(mount) ? mount : `${mount}${mount.includes('\\') ? '\\' : '/'}`
  return dir === mount || dir.startsWith(root)
}

/** A failed step: what failed (the title), main's plain sentence, and the system's code for a details line. */
export interface StepError {
  title: string
  message: string
  detail?: string
}

export function stepError(title: string, err: unknown): StepError {
  const detail = (err as { detail?: unknown })?.detail
  return { title, message: errorMessage(err), ...(typeof detail === 'string' && detail ? { detail } : {}) }
}

/** The server stopped by itself: main's reason names the folder and the cause; what it means for MAAS follows. */
export function servingStoppedError(reason: string | null): StepError {
  return {
    title: 'Serving stopped',
    message: `${asSentence(reason ?? 'the server stopped')}. A MAAS region can no longer sync from it.`
  }
}
