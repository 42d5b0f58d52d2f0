/**
 * Text the CLI prints for people (error lines, notes, progress, plain results) comes partly from a
 * stream: names of products and items, paths, server messages. A terminal obeys control sequences in
 * it (an item name with ESC ] 0 ; … retitled the window, ESC [ 2 J cleared it), so every such line
 * goes through here: control characters become visible escapes and credentials are scrubbed.
 * JSON output needs none of this: JSON.stringify already escapes control characters.
 */
import { scrubSecrets } from '@shared/scrub-secrets'

// C0 controls (newline included: one message is one line), DEL, C1 controls, and the Unicode
// bidirectional overrides and isolates that reorder what a terminal shows.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g

function visible(ch: string): string {
  const code = ch.charCodeAt(0)
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`
}

/** One line safe to write to a terminal: no control characters, no credentials. */
export function terminalLine(text: string): string {
  return scrubSecrets(text)
    .replace(/\s*\n\s*/g, ' ')
    .trim()
    .replace(UNSAFE, visible)
}
