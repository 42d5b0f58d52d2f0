/**
 * MAAS's `key@=FILE`: the parameter's value is the file's content (`keyring_data@=./ring.gpg`). Files are read
 * through the one bounded local reader (no FIFO, no device, a size cap), since a path in a script can name
 * anything. A keyring travels as base64 (the form `keyring_data=` takes); any other value as UTF-8 text.
 */
import { AppError } from '@shared/errors'
import { KEYRING_MAX_BYTES } from '@shared/keyring-data'
import { formatBytes } from '@shared/format-bytes'
import { readLocalFile } from '../net/local-file'
import type { CliInput } from './command'

/** The largest file a text parameter (a URL, a name) is read from. */
export const TEXT_PARAM_MAX_BYTES = 64 * 1024

const BINARY_PARAMS: Record<string, number> = { keyring_data: KEYRING_MAX_BYTES }

export async function readFileParams(
  input: CliInput,
  files: ReadonlyMap<string, string>,
  signal?: AbortSignal
): Promise<void> {
  for (const [key, path] of files) {
    const binary = BINARY_PARAMS[key]
    const cap = binary ?? TEXT_PARAM_MAX_BYTES
    const tooBig = (): AppError =>
      new AppError(
        'invalid_argument',
        `${key}@=${path}: the file is larger than ${formatBytes(cap)}, the most ${key} takes`
      )
    let data: Buffer
    try {
      data = await readLocalFile(path, cap, tooBig, { signal })
    } catch (err) {
      if (err instanceof AppError && (err.code === 'cancelled' || err.code === 'invalid_argument')) throw err
      const why = err instanceof Error ? err.message : String(err)
      throw new AppError('invalid_argument', `${key}@=${path}: cannot read the file: ${why}`)
    }
    input.params.set(key, [binary ? data.toString('base64') : data.toString('utf8')])
  }
}
