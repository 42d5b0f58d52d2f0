/** Facts about Ubuntu releases used to make realistic products (from the public stream). */
export interface ReleaseInfo {
  version: string
  codename: string
  title: string
  support_eol: string
  support_esm_eol: string
  /** the hwe letter series that the subarches list runs up to */
  letter: string
}

export const RELEASES: Record<string, ReleaseInfo> = {
  focal: {
    version: '20.04',
    codename: 'Focal Fossa',
    title: '20.04 LTS',
    support_eol: '2025-05-29',
    support_esm_eol: '2030-04-02',
    letter: 'u'
  },
  jammy: {
    version: '22.04',
    codename: 'Jammy Jellyfish',
    title: '22.04 LTS',
    support_eol: '2027-06-01',
    support_esm_eol: '2032-04-09',
    letter: 'v'
  },
  noble: {
    version: '24.04',
    codename: 'Noble Numbat',
    title: '24.04 LTS',
    support_eol: '2029-05-31',
    support_esm_eol: '2034-04-25',
    letter: 'w'
  }
}

/** Unknown release names still get a stable, plausible record so callers can ask for any list. */
export function releaseInfo(name: string, index: number): ReleaseInfo {
  return (
    RELEASES[name] ?? {
      version: `${30 + index}.04`,
      codename: `${name[0].toUpperCase()}${name.slice(1)} Test`,
      title: `${30 + index}.04`,
      support_eol: '2035-01-01',
      support_esm_eol: '2040-01-01',
      letter: 'w'
    }
  )
}

/** MAAS `subarches`: every older kernel name this one can also serve, ending with the product's own subarch. */
export function subarchesFor(info: ReleaseInfo, subarch: string): string {
  const letters: string[] = []
  for (let c = 'p'.charCodeAt(0); c <= info.letter.charCodeAt(0); c++)
    letters.push(`hwe-${String.fromCharCode(c)}`)
  const major = Number(info.version.split('.')[0])
  const gas: string[] = []
  for (let y = 16; y <= major; y += 2) gas.push(`ga-${y}.04`)
  return ['generic', ...letters, ...gas, ...(subarch.startsWith('hwe-') ? [subarch] : [])].join(',')
}

/** Real sizes at scale 1 (bytes): the middle of the ranges seen in the 2025 stable stream. */
export const REAL_SIZES = {
  squashfs: [300e6, 450e6],
  'boot-initrd': [75e6, 116e6],
  'boot-kernel': [12e6, 18e6],
  manifest: [17e3, 19e3],
  'root-tgz': [480e6, 520e6],
  'archive.tar.xz': [1e6, 3e6]
} as const satisfies Record<string, readonly [number, number]>

export const UBUNTU_SERIALS = ['20250610', '20250701', '20250716', '20250805']
export const BOOTLOADER_SERIALS = ['20230830.0', '20231004.0', '20240117.0']
export const CENTOS_SERIALS = ['20240515_01', '20240604_01', '20240622_01']

/** The newest `n` serials of a base list; beyond its length older ones (2019 and before) are made up. */
export function serials(base: string[], n: number): string[] {
  const out = [...base]
  const suffix = /[._]\d+$/.exec(base[0])?.[0] ?? ''
  for (let k = 1; out.length < n; k++) {
    const d = new Date(Date.UTC(2019, 11, 31) - k * 86_400_000)
    out.unshift(d.toISOString().slice(0, 10).replaceAll('-', '') + suffix)
  }
  return out.slice(out.length - n)
}
