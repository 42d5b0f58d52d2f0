/** Runs the CLI in-process with captured output. */
import { PassThrough } from 'node:stream'
import { runCli } from '../../src/main/cli/run-cli'

export async function cli(
  dataDir: string,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string; json: () => unknown }> {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  let out = ''
  let err = ''
  stdout.on('data', (d) => (out += d))
  stderr.on('data', (d) => (err += d))
  const code = await runCli(['--data-dir', dataDir, ...args], {
    stdout,
    stderr,
    isTTY: false,
    env: {},
    version: '9.9.9'
  })
  return { code, stdout: out, stderr: err, json: () => JSON.parse(out) }
}

/** What a script types: `maas admin boot-source-selections create SOURCE key=value…`. */
export const createSelection = (data: string, sourceId: number | string, ...fields: string[]) =>
  cli(data, 'admin', 'boot-source-selections', 'create', String(sourceId), ...fields)

/**
 * Makes `url` the data directory's only source, as MAAS's docs do (delete the default, then
 * `boot-sources create url=… keyring_data@=FILE`); `flags` go before the profile word (`-k`).
 */
export async function replaceDefaultSource(
  data: string,
  url: string,
  keyringPath: string,
  ...flags: string[]
): Promise<{ id: number; resource_uri: string; keyring_data: string }> {
  const deleted = await cli(data, 'admin', 'boot-source', 'delete', '1')
  if (deleted.code !== 0)
    throw new Error(`deleting the default source failed: ${deleted.stdout}${deleted.stderr}`)
  const created = await cli(
    data,
    ...flags,
    'admin',
    'boot-sources',
    'create',
    `url=${url}`,
    `keyring_data@=${keyringPath}`
  )
  if (created.code !== 0) throw new Error(`creating the source failed: ${created.stdout}${created.stderr}`)
  return created.json() as { id: number; resource_uri: string; keyring_data: string }
}
