import { execFileSync } from 'node:child_process'
import { mkdtemp, readFile, rm, symlink, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadKeyring } from '../../src/main/streams/keyring'
import { createTestKey } from '../support/stream-generator'

const UBUNTU = resolve(__dirname, '../../resources/keyrings/ubuntu-cloudimage-keyring.gpg')
let tmp: string

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'keyring-'))
})
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true })
})

describe('loadKeyring', () => {
  it('loads the real Ubuntu cloud image keyring (SHA-1 self-signatures)', async () => {
    const keys = await loadKeyring({ keyring_filename: UBUNTU })
    expect(keys).toHaveLength(1)
    expect(keys[0].getFingerprint().toUpperCase()).toBe('4A3CE3CD565D7EB5C810E2B97FF3F408476CF100')
    // loading alone is not enough: the key must be usable for verification
    expect((await keys[0].getSigningKey()).getKeyID().toHex().toUpperCase()).toBe('7FF3F408476CF100')
  })

  it('takes keyring_data (base64) and prefers it over the file name', async () => {
    const data = (await readFile(UBUNTU)).toString('base64')
    const keys = await loadKeyring({ keyring_data: data, keyring_filename: '/does/not/exist' })
    expect(keys[0].getKeyID().toHex().toUpperCase()).toBe('7FF3F408476CF100')
  })

  it('reads ASCII-armored keyrings with several keys', async () => {
    const a = await createTestKey('Key A')
    const b = await createTestKey('Key B')
    const file = join(tmp, 'two.asc')
    await writeFile(file, `${a.armoredPublicKey}\n${b.armoredPublicKey}`)
    const fps = (await loadKeyring({ keyring_filename: file })).map((k) => k.getFingerprint().toUpperCase())
    expect(fps).toEqual([a.fingerprint, b.fingerprint])
  })

  it('reads binary keyrings with several keys and GnuPG trust packets', async () => {
    const a = await createTestKey('Key A')
    const ubuntu = await readFile(UBUNTU)
    // tag 12 (trust) old-format packet with 2 bytes of trust data, as GnuPG writes into pubring.gpg
    const trust = Buffer.from([0xb0, 0x02, 0x06, 0x03])
    const file = join(tmp, 'ring.gpg')
    await writeFile(file, Buffer.concat([ubuntu, trust, Buffer.from(a.publicKeyBinary), trust]))
    const fps = (await loadKeyring({ keyring_filename: file })).map((k) => k.getFingerprint().toUpperCase())
    expect(fps).toEqual(['4A3CE3CD565D7EB5C810E2B97FF3F408476CF100', a.fingerprint])
  })

  it('explains that a GnuPG keybox is not a keyring', async () => {
    const file = join(tmp, 'pubring.kbx')
    const kbx = Buffer.alloc(64)
    kbx.writeUInt32BE(32, 0)
    kbx[4] = 1
    kbx.write('KBXf', 8, 'latin1')
    await writeFile(file, kbx)
    const err = await loadKeyring({ keyring_filename: file }).catch((e) => e)
    expect(err.code).toBe('keyring')
    expect(err.message).toBe(
      `${file} is a GnuPG keybox, not an OpenPGP keyring; export one with: gpg --export KEYID > ring.gpg`
    )
  })

  it('names a missing keyring path', async () => {
    const missing = join(tmp, 'nope.gpg')
    await expect(loadKeyring({ keyring_filename: missing })).rejects.toMatchObject({
      code: 'keyring',
      message: `keyring file not found: ${missing}`
    })
  })

  it('refuses files that are not keyrings and empty configuration', async () => {
    const file = join(tmp, 'junk.gpg')
    await writeFile(file, 'hello, not a key')
    await expect(loadKeyring({ keyring_filename: file })).rejects.toThrow(
      `${file} is not a readable OpenPGP keyring`
    )
    await expect(loadKeyring({})).rejects.toThrow(/no keyring configured/)
  })

  it('refuses a keyring that is /dev/zero, or a link to it, without reading it', async () => {
    const link = join(tmp, 'zero.gpg')
    await symlink('/dev/zero', link)
    for (const path of ['/dev/zero', link]) {
      // Read, it would be refused at the 16 MiB cap, with another message.
      await expect(loadKeyring({ keyring_filename: path })).rejects.toMatchObject({
        code: 'keyring',
        message: `keyring ${path} is a device, expected a regular file: refused`
      })
    }
  })

  it('refuses a keyring file over the 16 MiB cap, naming it and the cap', async () => {
    const big = join(tmp, 'big.gpg')
    await writeFile(big, '')
    // Sparse: 17 MiB without writing them.
    await truncate(big, 17 * 1024 * 1024)
    await expect(loadKeyring({ keyring_filename: big })).rejects.toMatchObject({
      code: 'keyring',
      message: `keyring ${big} is over the 16 MiB limit for a keyring: refused`
    })
  })

  it('refuses a keyring that is a FIFO without waiting for a writer', async () => {
    const fifo = join(tmp, 'fifo.gpg')
    execFileSync('mkfifo', [fifo])
    // No writer ever comes: opened, it would never settle, and the test's timeout would fail it.
    await expect(loadKeyring({ keyring_filename: fifo })).rejects.toMatchObject({
      code: 'keyring',
      message: `keyring ${fifo} is a FIFO, expected a regular file: refused`
    })
  })
})
