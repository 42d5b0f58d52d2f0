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
