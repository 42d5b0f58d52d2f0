import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateStream, type GenerateOptions, type GeneratedStream } from './stream-generator'
import { startTestServer, type TestServer, type TestServerOptions } from './test-server'

export interface StreamFixture {
  tmp: string
  stream: GeneratedStream
  server: TestServer
  keyring: { keyring_filename: string }
  /** proxy settings that keep tests off any proxy configured in the environment */
  direct: { http_proxy: string; https_proxy: string; no_proxy: string }
  cleanup(): Promise<void>
}

/** A freshly generated signed stream in its own temp dir, served on loopback. */
export async function streamFixture(
  gen: Partial<GenerateOptions> = {},
  serve: Partial<TestServerOptions> = {}
): Promise<StreamFixture> {
  const tmp = await mkdtemp(join(tmpdir(), 'maas-stream-'))
  const stream = await generateStream({ ...gen, dir: join(tmp, 'mirror') })
  const server = await startTestServer({ ...serve, root: stream.dir })
  return {
    tmp,
    stream,
    server,
    keyring: { keyring_filename: stream.keyringPath },
    direct: { http_proxy: '', https_proxy: '', no_proxy: '*' },
    async cleanup() {
      await server.close()
      await rm(tmp, { recursive: true, force: true })
    }
  }
}
