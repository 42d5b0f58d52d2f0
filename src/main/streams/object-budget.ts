import { AppError } from '@shared/errors'
import { MAX_STREAM_OBJECTS } from '../net/limits'

/**
 * Bounds how many JSON objects one source's metadata may hold, counted on the raw bytes before anything is
 * verified or parsed. Memory follows the object count, not the byte count: 60 MB of tiny products parse into
 * half a million objects (~500 MB with their expanded form), while the real stable stream has a few
 * thousand. Counting '{' bytes over-counts braces inside strings, which only makes the bound stricter.
 */
export class ObjectBudget {
  private used = 0

  constructor(
    private readonly where: string,
    private readonly limit = MAX_STREAM_OBJECTS
  ) {}

  /** Charges a document's objects; throws naming the document once the source is over the limit. */
  take(raw: Buffer, name: string): void {
    let at = raw.indexOf(0x7b)
    while (at >= 0) {
      if (++this.used > this.limit) {
        throw new AppError(
          'stream_invalid',
          `${name} of ${this.where}: more than ${this.limit.toLocaleString('en')} JSON objects in this ` +
            `stream's metadata (products, versions, items): refused to keep memory bounded`
        )
      }
      at = raw.indexOf(0x7b, at + 1)
    }
  }
}
