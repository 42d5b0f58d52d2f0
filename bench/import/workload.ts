/**
 * What the benchmark imports: a generated, signed MAAS-shaped stream (jammy+noble x amd64+arm64,
 * bootloaders, CentOS 7; latest version only) at a chosen scale of real sizes, and the CLI data dirs
 * set up for the two selections measured: the whole stream, and the small import (CentOS 7 plus the
 * bootloaders, which MAAS always imports).
 */
import { join } from 'node:path'
import { generateStream } from '../../test/support/stream-generator'
import { run } from './proc'
import type { PayloadFile } from './reference-clients'

export type SelectionName = 'whole' | 'small'

export interface Workload {
  streamDir: string
  keyringPath: string
  /** every payload file of the stream, once per path */
  files: PayloadFile[]
  /** per selection: the files it imports */
  selections: Record<SelectionName, { label: string; files: PayloadFile[]; bytes: number }>
}

const sum = (files: PayloadFile[]): number => files.reduce((n, f) => n + f.size, 0)

export async function makeWorkload(dir: string, scale: number): Promise<Workload> {
  const gen = await generateStream({ dir: join(dir, 'stream'), scale, versionsPerProduct: 1 })
  const byPath = (items: typeof gen.items): PayloadFile[] => [
    ...new Map(items.map((i) => [i.path, { path: i.path, sha256: i.sha256, size: i.size }])).values()
  ]
  const files = byPath(gen.items)
  const small = byPath(
    gen.items.filter(
      (i) => i.content_id === gen.contentIds.centos || i.content_id === gen.contentIds.bootloader
    )
  )
  return {
    streamDir: gen.dir,
    keyringPath: gen.keyringPath,
    files,
    selections: {
      whole: { label: 'whole stream', files, bytes: sum(files) },
      small: { label: 'CentOS 7 + bootloaders', files: small, bytes: sum(small) }
    }
  }
}

/** A CLI data dir whose one boot source is `url` and whose selections import `selection`. */
export async function setupDataDir(
  cli: string[],
  dataDir: string,
  url: string,
  w: Workload,
  selection: SelectionName
): Promise<void> {
  const c = (...a: string[]): Promise<unknown> =>
    run([...cli, '--data-dir', dataDir, ...a], { timeoutS: 120 })
  await c('boot-source', 'update', '1', `url=${url}`, `keyring_filename=${w.keyringPath}`)
  const centos = ['os=centos', 'release=centos70', 'arches=amd64', 'subarches=*', 'labels=*']
  if (selection === 'small') {
    // The default selection (noble/amd64) becomes the CentOS one: nothing of Ubuntu is selected.
    await c('boot-source-selection', 'update', '1', '1', ...centos)
    return
  }
  await c('boot-source-selection', 'update', '1', '1', 'arches=amd64', 'arches=arm64')
  await c(
    'boot-source-selections',
    'create',
    '1',
    'os=ubuntu',
    'release=jammy',
    'arches=amd64',
    'arches=arm64',
    'subarches=*',
    'labels=*'
  )
  await c('boot-source-selections', 'create', '1', ...centos)
}
