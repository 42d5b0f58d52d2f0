/**
 * Where the files of a FAT32 or exFAT image lie: each file's clusters, read from the image's own FAT and
 * directories (FAT32: 8.3 and long-name entries, cluster chains; exFAT: file, stream and name entries, a
 * chain in the FAT unless the stream says NoFatChain). Enough for tests to count a file's pieces: the
 * allocation a staging leaves on a stick.
 */
import { readFile } from 'node:fs/promises'

export interface FileLayout {
  path: string
  size: number
  clusters: number[]
}

export interface ImageLayout {
  kind: 'FAT32' | 'exFAT'
  clusterBytes: number
  files: FileLayout[]
}

/** Contiguous runs of clusters: 1 for a file in one piece, 0 for an empty one. */
export function pieces(clusters: readonly number[]): number {
  let n = clusters.length ? 1 : 0
  for (let i = 1; i < clusters.length; i++) if (clusters[i] !== clusters[i - 1] + 1) n++
  return n
}

const LIMIT = 10_000_000

function fat32(img: Buffer): ImageLayout {
  const bps = img.readUInt16LE(11)
  const clusterBytes = bps * img[13]
  const fatOff = img.readUInt16LE(14) * bps
  const dataOff = fatOff + img[16] * img.readUInt32LE(36) * bps
  const chain = (first: number): number[] => {
    const out: number[] = []
    for (
      let c = first;
      c >= 2 && c < 0x0ffffff7 && out.length < LIMIT;
      c = img.readUInt32LE(fatOff + 4 * c) & 0x0fffffff
    )
      out.push(c)
    return out
  }
  const files: FileLayout[] = []
  const walk = (first: number, dir: string): void => {
    const data = Buffer.concat(
      chain(first).map((c) =>
        img.subarray(dataOff + (c - 2) * clusterBytes, dataOff + (c - 1) * clusterBytes)
      )
    )
    let long: string[] = []
    for (let i = 0; i + 32 <= data.length; i += 32) {
      const e = data.subarray(i, i + 32)
      if (e[0] === 0) break
      if (e[0] === 0xe5) {
        long = []
        continue
      }
      if (e[11] === 0x0f) {
        const part = Buffer.concat([e.subarray(1, 11), e.subarray(14, 26), e.subarray(28, 32)])
        long.unshift(part.toString('utf16le').split('\0')[0])
        continue
      }
      const name = long.join('') || e.subarray(0, 11).toString('latin1').trim()
      long = []
      if (name === '.' || name === '..' || e[11] & 0x08) continue
      const start = (e.readUInt16LE(20) << 16) | e.readUInt16LE(26)
      if (e[11] & 0x10) walk(start, `${dir}${name}/`)
      else files.push({ path: dir + name, size: e.readUInt32LE(28), clusters: start ? chain(start) : [] })
    }
  }
  walk(img.readUInt32LE(44), '/')
  return { kind: 'FAT32', clusterBytes, files }
}

function exfat(img: Buffer): ImageLayout {
  const bps = 2 ** img[108]
  const clusterBytes = bps * 2 ** img[109]
  const fatOff = img.readUInt32LE(80) * bps
  const heap = img.readUInt32LE(88) * bps
  const chain = (first: number, contiguous = false, size = 0): number[] => {
    if (contiguous)
      return first
        ? Array.from({ length: Math.max(1, Math.ceil(size / clusterBytes)) }, (_, k) => first + k)
        : []
    const out: number[] = []
    for (let c = first; c >= 2 && c < 0xfffffff7 && out.length < LIMIT; c = img.readUInt32LE(fatOff + 4 * c))
      out.push(c)
    return out
  }
  const files: FileLayout[] = []
  const walk = (clusters: number[], dir: string): void => {
    const data = Buffer.concat(
      clusters.map((c) => img.subarray(heap + (c - 2) * clusterBytes, heap + (c - 1) * clusterBytes))
    )
    for (let i = 0; i + 32 <= data.length;) {
      const type = data[i]
      if (type === 0) break
      if (type !== 0x85) {
        i += 32
        continue
      }
      const secondaries = data[i + 1]
      const attributes = data.readUInt16LE(i + 4)
      const stream = data.subarray(i + 32, i + 64)
      const names = Array.from({ length: secondaries - 1 }, (_, k) =>
        data.subarray(i + 32 * (k + 2) + 2, i + 32 * (k + 2) + 32)
      )
      const name = Buffer.concat(names).toString('utf16le').slice(0, stream[3])
      const size = Number(stream.readBigUInt64LE(24))
      const own = chain(stream.readUInt32LE(20), (stream[1] & 2) !== 0, size)
      if (attributes & 0x10) walk(own, `${dir}${name}/`)
      else files.push({ path: dir + name, size, clusters: own })
      i += 32 * (secondaries + 1)
    }
  }
  walk(chain(img.readUInt32LE(96)), '/')
  return { kind: 'exFAT', clusterBytes, files }
}

/** The layout of every file on the FAT32 or exFAT image at `path` (not mounted, or synced). */
export async function imageLayout(path: string): Promise<ImageLayout> {
  const img = await readFile(path)
  return img.subarray(3, 11).toString('latin1') === 'EXFAT   ' ? exfat(img) : fat32(img)
}
