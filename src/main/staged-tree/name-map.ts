/**
 * Reversible file-name mapping for FAT32, exFAT and NTFS, which forbid `:` (every MAAS products file
 * has it: `com.ubuntu.maas:stable:v3:download.sjson`) and `\ * ? " < > |`, control characters, and
 * names ending in a dot or a space.
 *
 * Each forbidden character becomes `%` and two upper-case hex digits (`:` → `%3A`); `%` itself is
 * escaped too (`%25`), and a trailing dot or space becomes `%2E` / `%20`. A name Windows reserves for
 * a device (CON, PRN, AUX, NUL, COM0–9, LPT0–9, in any case, with or without an extension: `nul.tar.xz`
 * too) gets its first character escaped (`%6Eul.tar.xz`): opened as is on Windows it would reach the
 * device, not a file. No MAAS upstream name is one (segments are releases, architectures, serials,
 * kernel flavours and fixed file names), but a custom stream's could be. Decoding accepts only what
 * encoding produces (upper-case hex, and only characters that encoding escapes), so the mapping is a
 * bijection between names and encoded names: no two upstream names can land on one file.
 *
 * A staged tree that uses the mapping has MAPPED_NAMES_FILE at its root; readers (stream reading,
 * downloads, verify, serve) look for it and map every stream path, so mapped names are read back
 * transparently. Trees without it hold upstream names.
 */
import { lstatSync } from 'node:fs'
import { join } from 'node:path'

/** Present at the root of a staged tree whose file names are mapped; explains the mapping to humans. */
export const MAPPED_NAMES_FILE = 'MAPPED-NAMES.txt'

const FORBIDDEN_CHARS = new Set([...':\\*?"<>|%'])
const ESCAPE = /%([0-9A-F]{2})/g

function mustEscape(ch: string, isLast: boolean): boolean {
  return ch.charCodeAt(0) < 0x20 || FORBIDDEN_CHARS.has(ch) || (isLast && (ch === '.' || ch === ' '))
}

/** Device names Windows keeps in every directory, whatever the extension (`CON.txt` is CON). */
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\.|$)/i

function hex(ch: string): string {
  return `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`
}

/** Encodes one path segment (no '/'). */
export function encodeName(name: string): string {
  let out = ''
  for (let i = 0; i < name.length; i++) {
    const ch = name[i]
    out += mustEscape(ch, i === name.length - 1) || (i === 0 && WINDOWS_DEVICE.test(name)) ? hex(ch) : ch
  }
  return out
}

/** Decodes one encoded segment; throws on anything encodeName could not have produced. */
export function decodeName(encoded: string): string {
  const bad = (why: string): never => {
    throw new Error(`not a mapped file name: ${JSON.stringify(encoded)} (${why})`)
  }
  if (/%(?![0-9A-F]{2})/.test(encoded)) bad("'%' not followed by two upper-case hex digits")
  const decoded = encoded.replace(ESCAPE, (_m, h: string) => String.fromCharCode(parseInt(h, 16)))
  // Canonical form only: the decoded name must encode back to exactly the input.
  if (encodeName(decoded) !== encoded) bad('escapes a character that needs no escaping, or misses one')
  return decoded
}

/** Encodes every segment of a '/'-separated stream path. */
export function encodePath(rel: string): string {
  return rel.split('/').map(encodeName).join('/')
}

export function decodePath(rel: string): string {
  return rel.split('/').map(decodeName).join('/')
}

/**
 * True when the directory is a staged tree with mapped names. Only a regular file counts as the marker (lstat:
 * not followed), as staging writes it: a link, even a dangling one or one out of the tree, is not the marker, so
 * what lies outside the tree cannot change how names inside it are read.
 */
export function usesMappedNames(root: string): boolean {
  try {
    return lstatSync(join(root, MAPPED_NAMES_FILE)).isFile()
  } catch {
    return false
  }
}

/** The local file of a stream path under a directory root, mapped when the tree says so. */
export function localStreamPath(root: string, rel: string, mapped = usesMappedNames(root)): string {
  return join(root, ...(mapped ? encodePath(rel) : rel).split('/'))
}

export const MAPPED_NAMES_TEXT = `The file names in this tree are mapped, because this file system does not allow
some characters that SimpleStreams names use (":" above all).

Each of these characters is written as "%" followed by two hex digits:
  :  %3A     \\  %5C     *  %2A     ?  %3F     "  %22
  <  %3C     >  %3E     |  %7C     %  %25
and a dot or space at the end of a name as %2E or %20. A name Windows keeps for a
device (CON, PRN, AUX, NUL, COM0-9, LPT0-9, with any extension) has its first
character written that way too: nul.tar.xz is %6Eul.tar.xz.
Example: streams/v1/com.ubuntu.maas:stable:v3:download.sjson
    is   streams/v1/com.ubuntu.maas%3Astable%3Av3%3Adownload.sjson

MAAS Images reads these names back transparently (import, verify, serve).
To publish the tree under a plain web server, import it with MAAS Images and stage it again onto an
ext4 disk, or serve it with "maas-images serve". This file marks the tree as mapped: keep it.
`
