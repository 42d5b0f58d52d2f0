/**
 * Splits an OpenPGP cleartext-signed message (RFC 4880 section 7) into text, Hash headers and the armored
 * signature. openpgp's own readCleartextMessage awaits one promise per line and its CleartextMessage splits the
 * text into lines again, which together cost ~0.3 s and much garbage on the 3 MB products file. This does the
 * framing with whole-string searches; the signature is still parsed and checked by openpgp.
 */
export interface ParsedCleartext {
  /** dash-unescaped, trailing whitespace removed, line endings as in the file: the text the signature covers */
  text: string
  /** lower-case hash names from the Hash: armor headers */
  hashes: string[]
  armoredSignature: string
}

/**
 * The framing alone: the text as it stands in the armored string (`body`, at [bodyStart, bodyEnd)), before
 * dash-escapes and trailing blanks are taken out (canonicalText). Verification of an ASCII file reads the body's
 * bytes at the same offsets and finds what needs rewriting while it converts them (lf-to-crlf.ts).
 */
export interface FramedCleartext {
  body: string
  bodyStart: number
  bodyEnd: number
  hashes: string[]
  armoredSignature: string
}

const BEGIN_MESSAGE = '-----BEGIN PGP SIGNED MESSAGE-----'
const BEGIN_SIGNATURE = '-----BEGIN PGP SIGNATURE-----'
const END_SIGNATURE = '-----END PGP SIGNATURE-----'

function trimEnd(line: string): string {
  let i = line.length - 1
  while (i >= 0 && (line[i] === ' ' || line[i] === '\t' || line[i] === '\r')) i--
  return line.slice(0, i + 1)
}

/** Line starting at `from` (without its newline) and where the next one starts. */
function lineAt(s: string, from: number): { line: string; next: number } | null {
  if (from >= s.length) return null
  const end = s.indexOf('\n', from)
  return end < 0
    ? { line: trimEnd(s.slice(from)), next: s.length }
    : { line: trimEnd(s.slice(from, end)), next: end + 1 }
}

export class CleartextFormatError extends Error {}

/**
 * null when the document is not a cleartext-signed message (no framing or no signature block);
 * CleartextFormatError when the framing is there but broken.
 */
export function parseCleartext(armored: string): ParsedCleartext | null {
  const framed = frameCleartext(armored)
  if (!framed) return null
  return {
    text: canonicalText(framed.body),
    hashes: framed.hashes,
    armoredSignature: framed.armoredSignature
  }
}

/** parseCleartext's framing, the text left as it stands (see FramedCleartext). */
export function frameCleartext(armored: string): FramedCleartext | null {
  const s = armored
  let pos = 0
  while (pos < s.length && (s[pos] === '\n' || s[pos] === '\r' || s[pos] === ' ' || s[pos] === '\t')) pos++
  let cur = lineAt(s, pos)
  if (!cur || cur.line !== BEGIN_MESSAGE) return null

  const hashes: string[] = []
  for (;;) {
    cur = lineAt(s, cur.next)
    if (!cur) return null
    if (/^[ \f\t\u00a0\u2000-\u200a\u202f\u205f\u3000]*$/.test(cur.line)) break
    const m = /^Hash: (.+)$/.exec(cur.line)
    if (!m) throw new CleartextFormatError(`unexpected armor header "${cur.line}"`)
    hashes.push(...m[1].replace(/\s/g, '').toLowerCase().split(','))
  }

  // The text ends at the first line starting with five dashes: dash-escaping guarantees that no line of the
  // signed text itself does.
  const bodyStart = cur.next
  const armorAt = s.startsWith('-----', bodyStart) ? bodyStart : s.indexOf('\n-----', bodyStart - 1) + 1
  if (armorAt <= 0) return null
  const armor = lineAt(s, armorAt)
  if (!armor || armor.line !== BEGIN_SIGNATURE) return null
  const endAt = s.indexOf(END_SIGNATURE, armorAt)
  if (endAt < 0) return null

  // The line break before the signature armor belongs to the armor, not to the text.
  let end = Math.max(bodyStart, armorAt - 1)
  if (end > bodyStart && s[end - 1] === '\r') end--
  return {
    body: s.slice(bodyStart, end),
    bodyStart,
    bodyEnd: end,
    hashes,
    armoredSignature: s.slice(armorAt, endAt + END_SIGNATURE.length)
  }
}

/**
 * Trailing whitespace is not covered by the signature (RFC 4880 7.1) and dash-escapes are removed. Each check
 * searches before it rewrites, so the common cases (LF or CRLF files without trailing blanks) cost a few scans
 * of the 3 MB text instead of several regex replaces. The blank-before-newline search is a regex on purpose:
 * `includes(' \n')` stops at every space of indented JSON and costs 5x as much. Line endings are left as they
 * are (CRLF or LF): openpgp canonicalises bare LFs itself, and JSON treats both as whitespace.
 */
export function canonicalText(body: string): string {
  let text = body
  const last = text[text.length - 1]
  const hasCr = text.includes('\r')
  const blanks = last === ' ' || last === '\t'
  if (hasCr) {
    if (blanks || /[ \t]\r\n/.test(text) || /\r(?!\n)/.test(text)) {
      text = text.replace(/\r\n/g, '\n').replace(/[ \t\r]+$/gm, '')
    }
  } else if (blanks || /[ \t]\n/.test(text)) {
    text = text.replace(/[ \t]+$/gm, '')
  }
  if (text.startsWith('- ') || text.includes('\n- ')) text = text.replace(/^- /gm, '')
  return text
}
