/**
 * How many item files staging writes at once, by target. FAT32 and exFAT (and the other file systems that
 * need mapped names: NTFS, Windows, anything refusing ':') hand out clusters as each file grows, so two files
 * written at the same time interleave their clusters: staging the 0.25 benchmark stream with two writers left
 * a 117 MB file in 492 pieces on FAT32 (fusefat) and 359 on exFAT (exfat-fuse), one writer none (see
 * docs/performance.md). A fragmented stick reads slower at the site, and a USB stick writes slower with two
 * streams than one anyway, so a removable drive gets one writer whatever its file system. A folder on a fixed
 * disk (ext4, xfs, btrfs: extents, delayed allocation) gets two.
 *
 * Either way the read-back of one file overlaps the writing of the next: one more file is in flight than
 * there are writers.
 */
import type { PipelineLimits } from './copy-pipeline'
import type { TargetFs } from './target-fs'

const ONE_WRITER: PipelineLimits = { workers: 2, writers: 1 }
const TWO_WRITERS: PipelineLimits = { workers: 3, writers: 2 }

export function copyLimitsFor(fs: Pick<TargetFs, 'mapNames' | 'removable'>): PipelineLimits {
  return fs.mapNames || fs.removable ? ONE_WRITER : TWO_WRITERS
}
