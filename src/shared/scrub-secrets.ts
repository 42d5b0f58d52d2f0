/**
 * Removes credentials from text that leaves the process: error messages (IPC, WebSocket, CLI stderr),
 * import results (the importFinished event, last-import.json). Applied where errors are built
 * (AppError) and again where they leave main, so a message assembled from some library's text is
 * caught too.
 *
 * Two nets: the password part of any `scheme://user:password@` (and of a scheme-less
 * `user:password@host` as proxies are often written), and every literal secret main has seen
 * (the proxy passwords it uses), in whatever form a library may print it.
 */

const SCRUBBED = '***'

// userinfo with a password: the password may itself hold '@' (badly escaped), so it runs to the last
// '@' before a path, query, space or quote.
const URL_USERINFO = /([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@:"'<>]*):([^\s/?#"'<>]*)@/gi
const BARE_USERINFO = /(^|[\s"'(<=,])([^\s/?#@:"'<>=,]+):([^\s/?#"'<>]*)@(?=[a-z0-9[])/gi

const known = new Set<string>()

/**
 * Shorter literals are not replaced everywhere: a password 'maas' would turn images.maas.io into
 * images.***.io in every message. URL passwords of any length are still caught by the patterns.
 */
const MIN_SECRET = 6

/** Remembers a secret so that it is scrubbed wherever it shows up, also percent-encoded. */
export function rememberSecret(secret: string): void {
  if (!secret) return
  const forms = new Set([secret])
  try {
    forms.add(decodeURIComponent(secret))
  } catch {
    // not percent-encoded text: the raw form is enough
  }
  forms.add(encodeURIComponent(secret))
  for (const f of forms) if (f.length >= MIN_SECRET && f !== SCRUBBED) known.add(f)
}

export function scrubSecrets(text: string): string {
  let out = text
    .replace(URL_USERINFO, (_m, scheme: string, user: string) => `${scheme}${user}:${SCRUBBED}@`)
    .replace(BARE_USERINFO, (_m, lead: string, user: string) => `${lead}${user}:${SCRUBBED}@`)
  // Longest first, so a secret containing another is removed whole.
  for (const secret of [...known].sort((a, b) => b.length - a.length)) out = out.split(secret).join(SCRUBBED)
  return out
}
