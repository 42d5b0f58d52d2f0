/**
 * Errors of the MAAS verbs as the MAAS CLI gives them: the server's text on stdout and exit code 2 (maascli
 * prints any non-2xx body and exits 2). A missing object is Django's "No <Model> matches the given query.";
 * other refusals keep this app's message, which names the thing and the cause (MAAS's 400 bodies do too).
 * The one-line `maas-images: …` message still goes to stderr for people reading a terminal.
 */
import type { AppErrorShape } from '@shared/errors'

/** The command groups that copy MAAS's API; their errors take MAAS's framing. */
export const MAAS_GROUPS: ReadonlySet<string> = new Set([
  'boot-sources',
  'boot-source',
  'boot-source-selections',
  'boot-source-selection',
  'boot-resources',
  'boot-resource',
  'maas'
])

/** MAAS's model names, found from the services' own not-found messages (most specific first). */
const NOT_FOUND: ReadonlyArray<[RegExp, string]> = [
  [/^boot source selection \d+ does not exist/, 'BootSourceSelection'],
  [/^boot source \d+ does not exist/, 'BootSource'],
  [/^boot resource \d+ does not exist/, 'BootResource']
]

/** The body MAAS's server would have sent for this error. */
export function maasErrorText(err: AppErrorShape): string {
  if (err.code === 'not_found') {
    for (const [re, model] of NOT_FOUND)
      if (re.test(err.message)) return `No ${model} matches the given query.`
  }
  return err.message
}
