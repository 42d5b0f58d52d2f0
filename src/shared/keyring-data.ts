/**
 * The largest keyring we read, as a file (keyring_filename) or pasted (keyring_data, counted in base64
 * letters): a keyring of a few keys is a few KiB, and the cap keeps a wrong path (/dev/zero, a disk image)
 * from being read into memory.
 */
export const KEYRING_MAX_BYTES = 16 * 1024 * 1024

/**
 * Pasted keyring data (`keyring_data`): base64 of a binary or armored OpenPGP keyring, as
 * `base64 -w0 keyring.gpg` prints it. Line breaks and spaces from a wrapped paste are dropped; what
 * is left must be base64 letters with at most two `=` at the end. One rule for main and the form.
 */
export function compactKeyringData(text: string): string {
  return text.replace(/\s+/g, '')
}

export function isBase64KeyringData(text: string): boolean {
  return /^[A-Za-z0-9+/]+={0,2}$/.test(compactKeyringData(text))
}
