/**
 * The checks MAAS's BootSourceSelectionForm and BootSourceSelection.delete make, for the CLI's selection verbs:
 * a selection must name what the source's stream offers (checked against the cached catalogue, read once from
 * the source when none is cached; MAAS checks its cache of the source the same way), and the selection of the
 * commissioning release cannot be deleted. Where MAAS only says "No available images", the refusal also lists
 * the values it could have been.
 */
import { AppError } from '@shared/errors'
import type { BootSourceSelection, CatalogueEntry } from '@shared/types'
import type { CliContext } from './command'

type Fields = Pick<BootSourceSelection, 'os' | 'release' | 'arches' | 'subarches' | 'labels'>

const list = (values: Iterable<string>): string => [...new Set(values)].sort().join(', ') || 'none'

function checkList(
  key: 'arches' | 'subarches' | 'labels',
  wanted: readonly string[],
  offered: readonly string[]
): void {
  if (wanted.includes('*')) return
  const missing = wanted.filter((w) => !offered.includes(w))
  if (missing.length)
    throw new AppError(
      'invalid_argument',
      `${key}: No available images to download for ${missing.map((m) => `'${m}'`).join(', ')}; it could be: ${list(offered)}`
    )
}

export async function checkSelectionAgainstStream(
  ctx: CliContext,
  sourceId: number,
  f: Fields
): Promise<void> {
  const { entries } = await ctx.request('getCatalogue', { boot_source_id: sourceId })
  const images = entries.filter((e: CatalogueEntry) => e.release !== '')
  const matching = images.filter((e) => e.release === f.release && (!f.os || e.os === f.os))
  if (matching.length === 0) {
    const releases = images.filter((e) => !f.os || e.os === f.os).map((e) => e.release)
    throw new AppError(
      'invalid_argument',
      `os: OS ${f.os} with release ${f.release} has no available images for download; it could be: ${list(releases)}`
    )
  }
  checkList(
    'arches',
    f.arches,
    matching.map((e) => e.arch)
  )
  checkList(
    'subarches',
    f.subarches,
    matching.map((e) => e.subarch)
  )
  checkList(
    'labels',
    f.labels,
    matching.map((e) => e.label)
  )
}

/** MAAS refuses to delete the selection machines commission from. */
export async function checkSelectionDelete(ctx: CliContext, selection: BootSourceSelection): Promise<void> {
  const { commissioning_distro_series } = await ctx.request('getSettings', undefined)
  if (selection.os === 'ubuntu' && selection.release === commissioning_distro_series)
    throw new AppError(
      'invalid_argument',
      `Unable to delete ${selection.os} ${selection.release}. It is the operating system used for commissioning.`
    )
}
