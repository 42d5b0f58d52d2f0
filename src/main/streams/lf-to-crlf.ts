/**
 * LF -> CRLF over bytes, for the text-signature hash of a signed document whose text holds no CR (what
 * simplestreams writes). `string.replaceAll('\n', '\r\n')` followed by a UTF-8 encode costs 14-23 ms on the
 * 3 MB products file, a plain byte loop 9 ms; this one reads 8 bytes at a time and copies them as two words
 * when neither holds an LF (about 5 ms), falling back to the byte loop for the 8 bytes around each LF.
 * Any encoding in which LF is the single byte 0x0a (UTF-8 included) comes out exactly as the string rewrite would.
 */

/** Non-zero when some byte of the 32-bit word `w` is 0x0a (exact: the classic "has zero byte" test on w ^ LFs). */
function hasLf(w: number): number {
  const x = w ^ 0x0a0a0a0a
  return (x - 0x01010101) & ~x & 0x80808080
}

/** A new buffer holding `src` with a CR put before every LF. */
export function lfToCrlf(src: Uint8Array): Uint8Array {
  const out = new Uint8Array(src.length * 2)
  const read = new DataView(src.buffer, src.byteOffset, src.byteLength)
  const write = new DataView(out.buffer, out.byteOffset, out.byteLength)
  const whole = src.length - (src.length % 8)
  let j = 0
  let i = 0
  for (; i < whole; i += 8) {
    const lo = read.getUint32(i, true)
    const hi = read.getUint32(i + 4, true)
    if (hasLf(lo) | hasLf(hi)) {
      for (let k = i; k < i + 8; k++) {
        const b = src[k]
        if (b === 0x0a) out[j++] = 0x0d
        out[j++] = b
      }
    } else {
      write.setUint32(j, lo, true)
      write.setUint32(j + 4, hi, true)
      j += 8
    }
  }
  for (; i < src.length; i++) {
    const b = src[i]
    if (b === 0x0a) out[j++] = 0x0d
    out[j++] = b
  }
  return out.subarray(0, j)
}
