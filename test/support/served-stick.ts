/**
 * A folder to serve as a stick in the serving tests: a signed-stream stand-in index and a file of a little over
 * 1 MiB with a pattern that no shifted or repeated block matches, so a body cut short or filled with other bytes
 * shows. And the client side: what a request received before its response ended.
 */
import { request } from 'node:http'
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** big.img's bytes */
export const stickData = Buffer.alloc(1024 * 1024 + 17)
for (let i = 0; i < stickData.length; i++) stickData[i] = (i * 131 + (i >> 12)) & 0xff

/** A new temp folder holding `stick/` with streams/v1/index.json and big.img; remove `tmp` after. */
export async function stickFolder(prefix: string): Promise<{ tmp: string; folder: string }> {
  const tmp = await mkdtemp(join(tmpdir(), prefix))
  const folder = join(tmp, 'stick')
  await mkdir(join(folder, 'streams/v1'), { recursive: true })
  await writeFile(join(folder, 'streams/v1/index.json'), '{"from":"the stick"}')
  await writeFile(join(folder, 'big.img'), stickData)
  return { tmp, folder }
}

/** The bytes a client received before the response ended, and whether it ended complete. */
export function receive(url: string): Promise<{ status: number; body: Buffer; complete: boolean }> {
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('close', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), complete: res.complete })
      )
    })
      .on('error', reject)
      .end()
  })
}
