/** One `Range: bytes=…` header against a size: the byte span to send, 'unsatisfiable', or null for the whole. */
export type RangeAnswer = { start: number; end: number } | 'unsatisfiable' | null

export function parseRange(header: string | undefined, size: number): RangeAnswer {
  if (!header) return null
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  // Multiple ranges or other units: answering with the whole file is allowed (RFC 9110 14.2).
  if (!m || (m[1] === '' && m[2] === '')) return null
  if (m[1] === '') {
    const suffix = Number(m[2])
    if (suffix === 0 || size === 0) return 'unsatisfiable'
    return { start: Math.max(0, size - suffix), end: size - 1 }
  }
  const start = Number(m[1])
  // A last position before the first makes the range invalid, not unsatisfiable: RFC 9110 14.1.1 and 14.2
  // say to ignore the header then and answer 200 with the whole body.
  if (m[2] !== '' && Number(m[2]) < start) return null
  if (!Number.isSafeInteger(start) || start >= size) return 'unsatisfiable'
  return { start, end: m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1) }
}
