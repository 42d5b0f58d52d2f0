/**
 * What a served mirror holds, by upstream path: either the image cache of one boot source (the signed
 * documents its last complete import used, and the blobs of its complete resources), or a directory
 * (a staged stick, mapped names read back, or any plain mirror). Nothing else is reachable: a path is
 * answered only when it names one of these files.
 */
import type { FileHandle } from 'node:fs/promises'
import type { BootSource } from '@shared/types'
import { dataLayout } from '../core/data-layout'
import { openLocalFile, stalled } from '../net/local-file'
import { localStreamPath, usesMappedNames } from '../staged-tree/name-map'
import { stagedContent } from '../library/staged-content'
import { readStagedManifest } from '../staged-tree/stage-manifest'
import { isSafeItemPath } from '../streams/safe-path'
import { servedRoot, type ServedRoot } from './served-root'

/**
 * A file to send: bytes held in memory, or a regular file already opened and checked. The body is read from
 * that handle, never by name again, so a link swapped in after the check cannot change what is sent; whoever
 * receives a 'file' closes its handle.
 */
export type MirrorFile = { kind: 'bytes'; data: Buffer } | { kind: 'file'; handle: FileHandle; size: number }

export interface MirrorFiles {
  /** a description for logs and the CLI */
  readonly label: string
  /** a directory mirror's folder, held to the one checked at start (the server stops when it changes) */
  readonly root?: ServedRoot
  /** why serving must stop when `err`, from opening or reading a file, says the medium failed; else null */
  failure(err: unknown): string | null
  lookup(rel: string): Promise<MirrorFile | null>
}

/** How long opens and reads on the served medium may go without a reply (default 30 s, net/limits.ts). */
export interface MediumLimit {
  timeoutMs?: number
}

/**
 * Opens a file to serve through the bounded local reader with `root` as its root: its real path must stay in
 * the folder and it must be a regular file (a FIFO would block, a device never ends). Anything refused is simply
 * not in the mirror: a 404 that says nothing of what the name leads to. An error that `root` says is its medium
 * failing (a stick pulled) is thrown instead: it is no missing file, and the server stops on it.
 */
async function servedFile(
  path: string,
  root: string,
  failure: (err: unknown) => string | null,
  o: MediumLimit
): Promise<MirrorFile | null> {
  try {
    const { handle, size } = await openLocalFile(path, { root, timeoutMs: o.timeoutMs })
    return { kind: 'file', handle, size }
  } catch (err) {
    if (failure(err) !== null) throw err
    return null
  }
}

type CacheEntry = { kind: 'bytes'; data: Buffer } | { kind: 'blob'; path: string }

/**
 * The cache of one source; re-read at most every `refreshMs` so a finished import shows up. Fails at
 * once (naming the cause) when the source has nothing to serve, rather than answering errors later.
 */
export async function cacheMirror(
  dataDir: string,
  source: BootSource,
  refreshMs = 5000,
  o: MediumLimit = {}
): Promise<MirrorFiles> {
  const build = async (): Promise<Map<string, CacheEntry>> => {
    const c = await stagedContent(dataDir, source)
    const m = new Map<string, CacheEntry>()
    for (const d of c.documents) m.set(d.path, { kind: 'bytes', data: d.raw })
    for (const i of c.items) m.set(i.path, { kind: 'blob', path: i.blob })
    return m
  }
  const blobs = dataLayout(dataDir).cacheBlobs
  let current = await build()
  let built = Date.now()
  let rebuilding: Promise<void> | null = null
  // The cache's disk is the machine's own, but a network mount or a failing disk can stop answering too.
  const failure = (err: unknown): string | null => {
    const hung = stalled(err)
    return hung
      ? `the image cache in ${blobs} stopped answering (${hung.words}): its disk may be failing or ` +
          'be a network mount that went away'
      : null
  }
  return {
    label: `the image cache of boot source ${source.id} (${source.url})`,
    failure,
    async lookup(rel) {
      if (!rebuilding && Date.now() - built > refreshMs) {
        built = Date.now()
        // A failed rebuild (mid-import, metadata being replaced) keeps serving the previous map.
        rebuilding = build()
          .then((m) => void (current = m))
          .catch(() => undefined)
          .finally(() => (rebuilding = null))
      }
      const f = current.get(rel)
      if (!f || f.kind === 'bytes') return f ?? null
      // The blob may have gone (a delete): 404 rather than a broken body.
      return servedFile(f.path, blobs, failure, o)
    }
  }
}

/**
 * A directory. A tree staged by this app serves what its manifest lists and nothing else (not its README,
 * lock or marker files); any other directory serves every regular file under its root. The manifest is not
 * signed, so it only narrows: a listed name is still opened with the folder as root, and a link out of it is
 * a 404 like any other. A manifest that cannot be read as one (FIFO, device, too big, wrong shape) fails here,
 * naming the file, rather than being taken for "no manifest" and widening what is served.
 */
export async function directoryMirror(root: string, o: MediumLimit = {}): Promise<MirrorFiles> {
  // Recorded before the manifest is read, so what the manifest says belongs to the folder recorded.
  const checked = await servedRoot(root, o)
  const mapped = usesMappedNames(root)
  const m = await readStagedManifest(root, o)
  const listed = m ? new Set([...m.documents, ...m.items.map((i) => i.path)]) : null
  return {
    label: `${root}${mapped ? ' (mapped names)' : ''}`,
    root: checked,
    failure: checked.failure,
    async lookup(rel) {
      if (!isSafeItemPath(rel) || rel.split('/').some((s) => s === '' || s === '.')) return null
      if (listed && !listed.has(rel)) return null
      return servedFile(localStreamPath(root, rel, mapped), root, checked.failure, o)
    }
  }
}
