/**
 * Kernel rows as the stream's producer lists them, and the product names it makes of them, so a generated
 * stream holds flavoured and edge kernels exactly as images.maas.io does.
 *
 * Sources (github.com/canonical/maas-images, commit 136a286e156a616006c407ca301f8032eba909f1):
 * - conf/meph-v3.yaml:122-127: noble's amd64 kernel rows `[krel, arch, primary-subarch, flavor, kernel-package,
 *   subarches]`, and :44-45 the `sa_hwe_nn` / `sa_hwe_nn_edge` subarches lists they use;
 * - meph2/stream.py:219-229: the product name puts a non-generic flavour after the subarch, before `edge`
 *   (`hwe-24.04-lowlatency-edge`), while the product's own `subarch` field stays `hwe-24.04-edge` and the
 *   flavour goes in `kflavor` (:264-266);
 * - meph2/stream.py:17-18: kernel files live under `{release}/{arch}/{serial}/{subarch}/{flavor}/`;
 * - docs/tutorial/using-build-stream.md: the index of a stream built for noble amd64 lists exactly the six
 *   products NOBLE_AMD64_PRODUCTS names.
 */
export interface KernelRow {
  release: string
  arch: string
  /** the stream's `subarch` field (maas-images' primary-subarch) */
  subarch: string
  kflavor: string
  kpackage: string
  subarches: readonly string[]
}

const SA_HWE_NN = [
  'generic',
  'hwe-p',
  'hwe-q',
  'hwe-r',
  'hwe-s',
  'hwe-t',
  'hwe-u',
  'hwe-v',
  'hwe-w',
  'ga-16.04',
  'ga-16.10',
  'ga-17.04',
  'ga-17.10',
  'ga-18.04',
  'ga-18.10',
  'ga-19.04',
  'ga-19.10',
  'ga-20.04',
  'ga-20.10',
  'ga-21.04',
  'ga-21.10',
  'ga-22.04',
  'ga-22.10',
  'ga-23.04',
  'ga-23.10',
  'ga-24.04'
]
const SA_HWE_NN_EDGE = [
  'generic',
  'hwe-p',
  'hwe-q',
  'hwe-r',
  'hwe-s',
  'hwe-t',
  'hwe-u',
  'hwe-v',
  'hwe-w',
  'ga-16.04',
  'ga-16.10',
  'ga-17.04',
  'ga-17.10',
  'ga-18.04',
  'hwe-18.10',
  'hwe-19.04',
  'hwe-19.10',
  'hwe-20.04',
  'hwe-22.04',
  'hwe-24.04'
]

const row = (
  subarch: string,
  kflavor: string,
  kpackage: string,
  subarches: readonly string[]
): KernelRow => ({ release: 'noble', arch: 'amd64', subarch, kflavor, kpackage, subarches })

/** conf/meph-v3.yaml:122-127, in its order. */
export const NOBLE_AMD64_KERNELS: readonly KernelRow[] = [
  row('ga-24.04', 'generic', 'linux-generic', SA_HWE_NN),
  row('ga-24.04', 'lowlatency', 'linux-image-lowlatency', SA_HWE_NN),
  row('hwe-24.04', 'generic', 'linux-generic-hwe-24.04', SA_HWE_NN),
  row('hwe-24.04', 'lowlatency', 'linux-lowlatency-hwe-24.04', SA_HWE_NN),
  row('hwe-24.04-edge', 'generic', 'linux-generic-hwe-24.04-edge', SA_HWE_NN_EDGE),
  row('hwe-24.04-edge', 'lowlatency', 'linux-lowlatency-hwe-24.04-edge', SA_HWE_NN_EDGE)
]

/** The product names of a noble amd64 build (docs/tutorial/using-build-stream.md), for a stream labelled `label`. */
export function nobleAmd64Products(label: string): string[] {
  return [
    'ga-24.04',
    'ga-24.04-lowlatency',
    'hwe-24.04',
    'hwe-24.04-edge',
    'hwe-24.04-lowlatency',
    'hwe-24.04-lowlatency-edge'
  ].map((s) => `com.ubuntu.maas.${label}:v3:boot:24.04:amd64:${s}`)
}

/** meph2/stream.py:219-229: the product name's subarch, the flavour put before a trailing `edge`. */
export function productSubarch(subarch: string, kflavor: string): string {
  if (kflavor === 'generic') return subarch
  const parts = subarch.split('-')
  if (parts[parts.length - 1] === 'edge') parts.splice(-1, 0, kflavor)
  else parts.push(kflavor)
  return parts.join('-')
}
