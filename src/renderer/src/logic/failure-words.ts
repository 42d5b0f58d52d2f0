/**
 * Failures in words that fit where they are shown: a Status cell says "Failed" and a short reason
 * (the whole error, URL included, pushed the table's other columns out of its card); the last
 * import's failure list holds the whole text, one entry per file however many kernels share it.
 */
import type { ImportResult } from '@shared/types'

/** The short reason for a failure's text: what an admin acts on, not the URL and errno. */
function shortReason(message: string): string {
  const m = message.toLowerCase()
  if (/signed digest|signature/.test(m)) return 'signature check failed'
  if (/sha256|checksum|hash mismatch|size mismatch/.test(m)) return 'file does not match the stream'
  if (/enospc|no space|disk is full|disk full/.test(m)) return 'disk full'
  if (/proxy/.test(m)) return 'proxy error'
  if (/\b404\b|not found/.test(m)) return 'missing on the mirror'
  if (/econnrefused|enotfound|timed? ?out|network|econnreset|closed early/.test(m)) return 'network error'
  if (/eacces|eperm|permission/.test(m)) return 'permission denied'
  return 'see the last import'
}

/** A resource's status for its table cell: "Failed" and a short reason instead of the whole error. */
export function statusForCell(status: string): { label: string; reason: string | null } {
  const failed = /^failed:\s*/i.exec(status)
  if (!failed) return { label: status, reason: null }
  return { label: 'Failed', reason: shortReason(status.slice(failed[0].length)) }
}

interface FailureEntry {
  /** the file, when the failure is one file's */
  file: string | null
  /** every resource (kernel) the failure touched, in order */
  resources: string[]
  code: string
  message: string
}

/** One entry per file (and cause): a file several kernels share failed once, not once per kernel. */
export function failureEntries(failures: ImportResult['failures']): FailureEntry[] {
  const byKey = new Map<string, FailureEntry>()
  for (const f of failures) {
    const key = f.file ? `file ${f.file} ${f.code} ${f.message}` : `resource ${f.resource ?? ''} ${f.message}`
    const entry = byKey.get(key) ?? {
      file: f.file ?? null,
      resources: [],
      code: f.code,
      // The entry names the file first: its message says "the file" instead of naming its URL again
      // (an item name such as "squashfs" is a word of the message, kept as it is).
      message: f.file?.includes('/') ? f.message.split(f.file).join('the file') : f.message
    }
    if (f.resource && !entry.resources.includes(f.resource)) entry.resources.push(f.resource)
    byKey.set(key, entry)
  }
  return [...byKey.values()]
}
