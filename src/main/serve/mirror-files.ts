/**
 * What a served mirror holds, by upstream path: either the image cache of one boot source (the signed
 * documents its last complete import used, and the blobs of its complete resources), or a directory
 * (a staged stick, mapped names read back, or any plain mirror). Nothing else is reachable: a path is
 * answered only when it names one of these files.
 */
import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { BootSource } from '@shared/types'
import { localStreamPath, usesMappedNames } from '../stage/name-map'
import { stagedContent } from '../stage/staged-content'
import { STAGE_MANIFEST_FILE } from '../stage/stage-manifest'
import { isSafeItemPath } from '../streams/safe-path'

export type MirrorFile = { kind: 'bytes'; data: Buffer } | { kind: 'file'; path: string; size: number }

export interface MirrorFiles {
  /** a description for logs and the CLI */
  readonly label: string
  lookup(rel: string): Promise<MirrorFile | null>
}

async function regularFile(path: string): Promise<MirrorFile | null> {
  const st = await stat(path).catch(() => null)
  return st && st.isFile() ? { kind: 'file', path, size: st.size } : null
}

/**
 * The cache of one source; re-read at most every `refreshMs` so a finished import shows up. Fails at
 * once (naming the cause) when the source has nothing to serve, rather than answering errors later.
 */
export async function cacheMirror(
  dataDir: string,
  source: BootSource,
  refreshMs = 5000
): Promise<MirrorFiles> {
  const build = async (): Promise<Map<string, MirrorFile>> => {
    const c = await stagedContent(dataDir, source)
    const m = new Map<string, MirrorFile>()
    for (const d of c.documents) m.set(d.path, { kind: 'bytes', data: d.raw })
    for (const i of c.items) m.set(i.path, { kind: 'file', path: i.blob, size: i.size })
    return m
  }
  let current = await build()
  let built = Date.now()
  let rebuilding: Promise<void> | null = null
  return {
    label: `the image cache of boot source ${source.id} (${source.url})`,
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
      return regularFile(f.path)
    }
  }
}

/**
 * A directory. A tree staged by this app serves exactly what its manifest lists (not its README, lock
 * or marker files); any other directory serves every file under its root.
 */
export async function directoryMirror(root: string): Promise<MirrorFiles> {
  const mapped = usesMappedNames(root)
  let listed: Set<string> | null = null
  try {
    const m = JSON.parse(await readFile(join(root, STAGE_MANIFEST_FILE), 'utf8')) as {
      documents?: string[]
      items?: Array<{ path: string }>
    }
    listed = new Set([...(m.documents ?? []), ...(m.items ?? []).map((i) => i.path)])
  } catch {
    listed = null
  }
  return {
    label: `${root}${mapped ? ' (mapped names)' : ''}`,
    async lookup(rel) {
      if (!isSafeItemPath(rel) || rel.split('/').some((s) => s === '' || s === '.')) return null
      if (listed && !listed.has(rel)) return null
      return regularFile(localStreamPath(root, rel, mapped))
    }
  }
}
