/**
 * Ballast for a disk that fills up mid-import: a small file of real (non-sparse) bytes written
 * before the downloads start and deleted when they hit ENOSPC, so that there is room left to record
 * what was verified (resources.json, the import result) instead of failing to save that too.
 */
import { rm, stat, writeFile } from 'node:fs/promises'
import { dataLayout } from '../../core/data-layout'

export class SpaceReserve {
  readonly path: string

  constructor(dataDir: string) {
    this.path = dataLayout(dataDir).spaceReserve
  }

  /** Room for a few copies of resources.json (atomic writes need two at once) plus the result. */
  async hold(resourcesJsonPath: string): Promise<void> {
    const current = await stat(resourcesJsonPath).then(
      (s) => s.size,
      () => 0
    )
    const bytes = Math.max(256 * 1024, current * 4 + 64 * 1024)
    try {
      await writeFile(this.path, Buffer.alloc(bytes, 0x5a))
    } catch {
      // No room even for this: the free-space check will say so.
      await this.release()
    }
  }

  async release(): Promise<void> {
    await rm(this.path, { force: true })
  }
}
