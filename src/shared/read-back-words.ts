import type { ReadBackSource } from './types'

/**
 * The words for where a stick's files were read back from, the same in the CLI, the Staging screen and the
 * notification: never more than was checked. "cache" means the system cache may have answered with the bytes
 * just written, so a drive that kept other bytes would not have shown it.
 */
export function stagedReadBackWords(source: ReadBackSource): string {
  return source === 'medium'
    ? 'every file was read back from the drive and verified'
    : 'every file was read back and verified, but through the system cache only: the drive itself was not ' +
        're-read. Unplug it, plug it back in and verify it to check what it stores'
}

/** For a verify report of a local folder. */
export function verifiedReadBackWords(source: ReadBackSource): string {
  return source === 'medium'
    ? 'signed documents and image files read from the drive itself'
    : 'signed documents and image files read through the system cache only: the drive itself may not have been re-read'
}

/** The sentence form: a capital first letter and a full stop. */
export function sentence(words: string): string {
  return words.charAt(0).toUpperCase() + words.slice(1) + '.'
}
