/**
 * Whatever was thrown (BridgeError or otherwise) → the text to show, as a sentence. Main's messages start in
 * lower case ("cannot listen on 127.0.0.1:8780: …") because the CLI prints them after "error: " and they are
 * joined into longer texts; on screen each stands alone in a card, so its first word is capitalised here, the
 * one path every screen's errors take. A first word that is a name (a path, URL, file, command with digits or
 * capitals inside, such as "exFAT", "sha256" or "index.sjson") is kept as it is.
 */
export function errorMessage(err: unknown): string {
  return asSentence(errorClause(err))
}

/** The text as main wrote it, for a clause inside a longer sentence ("The sync did not start: …"). */
export function errorClause(err: unknown): string {
  if (err instanceof Error) return err.message || err.name
  if (typeof err === 'string') return err
  if (err && typeof err === 'object' && 'message' in err) return String((err as { message: unknown }).message)
  return String(err)
}

/**
 * A plain lower-case word (letters, an apostrophe or hyphen inside), then the end, a space or punctuation; a dot
 * or colon only when a space or the end follows, so "index.sjson" and "http://…" stay names.
 */
const PLAIN_FIRST_WORD = /^[a-z][a-z'’-]*(?=$|[\s,;!?)]|[.:](?:\s|$))/

/** The text with its first letter capitalised when it starts with a plain word; otherwise as it is. */
export function asSentence(text: string): string {
  return PLAIN_FIRST_WORD.test(text) ? text[0].toUpperCase() + text.slice(1) : text
}
