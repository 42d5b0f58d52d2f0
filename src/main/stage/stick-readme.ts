/** The README.txt at the root of a staged tree: what it is and how to use it, for whoever finds the stick. */
import type { StagedContent } from '../library/staged-content'

export function stickReadme(c: StagedContent, stagedAt: Date, mapped: boolean, appVersion: string): string {
  const images = c.images.map((i) => `  ${i.name} ${i.architecture} (version ${i.version})`)
  return [
    'MAAS boot images: a SimpleStreams mirror',
    '========================================',
    '',
    `Staged by MAAS Images ${appVersion} on ${stagedAt.toISOString()}`,
    `from the boot source ${c.source.url}`,
    '',
    'The metadata under streams/v1/ is exactly as published upstream and signed by',
    ...(c.fingerprints.length ? c.fingerprints.map((f) => `  ${f}`) : ['  (unsigned stream)']),
    'MAAS and MAAS Images check those signatures; nothing here needs to be trusted blindly.',
    '',
    `Images (${c.images.length}, ${c.items.length} files):`,
    ...images,
    '',
    'How to use it',
    '-------------',
    '* With MAAS Images on an offline workstation: add a boot source whose URL is this',
    '  directory (or file:///path/to/it), with the keyring that signed it, and import.',
    '  "maas-images verify <this directory> keyring_filename=<keyring> --deep" checks every file.',
    '* To give it to a MAAS region: "maas-images serve" on that workstation, then use',
    "  http://<workstation>:<port>/ as the region's boot source URL with the standard keyring.",
    '* To publish it under a web server (the local mirror of the MAAS docs): copy it onto an',
    "  ext4 disk under the web server's root." +
      (mapped ? ' This stick uses mapped file names (see MAPPED-NAMES.txt), so do' : ''),
    ...(mapped
      ? [
          '  not copy it by hand: import it with MAAS Images and stage it again onto the ext4 disk',
          '  ("maas-images stage /srv/www/maas-images"), which writes the upstream names.'
        ]
      : ['  The file names here are the upstream names, so a plain copy works.']),
    ''
  ].join('\r\n')
}
