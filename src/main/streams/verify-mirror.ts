import type { ProxySettings, ReadBackSource, SignatureInfo, VerifyReport } from '@shared/types'
import { fetchBytes } from '../net/fetch-bytes'
import { MAX_INDEX_ENTRIES, MAX_METADATA_BYTES } from '../net/limits'
import { stalled } from '../net/local-file'
import { checkItem, type ItemCheck } from './check-item'
import { parseCleartext } from './cleartext'
import { expandProducts } from './expand-products'
import { keyringName, loadKeyring, type KeyringRef } from './keyring'
import { ObjectBudget } from './object-budget'
import { openDocument, type Trust } from './open-document'
import { assertSafeItemPath, isUrlRoot, joinStreamPath } from './safe-path'
import { indexSchema, parseDocument, parseJson, productsSchema } from './schema'
import { resolveSource } from './source'
import type { StreamItem } from './validate-items'
import { readStagedManifest } from '../staged-tree/stage-manifest'

/**
 * Paths a staged tree's manifest says it holds; null for any other mirror. The manifest is read through the
 * bounded reader: a FIFO, device, link out of the tree or oversized file there is refused at once (it throws,
 * naming the file) instead of hanging the verify or filling memory.
 */
async function stagedItemPaths(
  root: string,
  o: { signal?: AbortSignal; timeoutMs?: number }
): Promise<Set<string> | null> {
  if (isUrlRoot(root)) return null
  const m = await readStagedManifest(root, o)
  return m ? new Set(m.items.map((i) => i.path)) : null
}

export interface VerifyMirrorOptions {
  /** also check size + checksum of every item file present in the mirror */
  deep?: boolean
  proxy?: Partial<ProxySettings>
  signal?: AbortSignal
  /** parallel item checks for deep; default 4 */
  concurrency?: number
  /** default 64 MiB; injectable so tests need not build a 64 MiB file */
  maxMetadataBytes?: number
  /** a local mirror: longest wait for one open or read; default 30 s (net/limits.ts); tests shorten it */
  mediumTimeoutMs?: number
}

/** Products files are fetched two at a time: each may hold up to the per-document cap in memory. */
const DOCUMENT_CONCURRENCY = 2

type FileResult = VerifyReport['files'][number]

/** Best-effort cleartext of a document whose signature failed, only to find the paths it names. */
function unverifiedText(raw: Buffer): string | null {
  const text = raw.toString('utf8')
  try {
    const parsed = parseCleartext(text)
    if (parsed) return parsed.text
  } catch {
    // fall through: maybe it is plain JSON
  }
  return text.trimStart().startsWith('{') ? text : null
}

async function runLimited(
  tasks: Array<() => Promise<void>>,
  limit: number,
  signal: AbortSignal | undefined
): Promise<void> {
  let next = 0
  const worker = async (): Promise<void> => {
    // Once cancelled, start nothing more: each task would only fail with "cancelled".
    while (next < tasks.length && !signal?.aborted) await tasks[next++]()
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, tasks.length)) }, worker))
}

/**
 * Verifies a mirror (http(s) URL, directory, or a single .sjson file): every document's signature, named with
 * signer key id and fingerprint, then (deep) every item file that the mirror holds. Unlike readStream it does
 * not stop at the first problem: the report lists them all. ok only when everything checked is good; items
 * that are merely absent (a filtered mirror) are listed as missing but do not fail the report. A local mirror
 * whose medium stops answering is the exception: nothing more is read from it (each read it keeps holds a
 * thread for ever), the report says which file it stopped at and that it is incomplete.
 */
export async function verifyMirror(
  location: string,
  keyring: KeyringRef,
  opts: VerifyMirrorOptions = {}
): Promise<VerifyReport> {
  const report: VerifyReport = { location, ok: false, files: [], problems: [] }
  const problem = (text: string): void => {
    report.problems.push(text)
  }
  // Set off by a medium that stopped answering: what runs gives up at once and nothing new starts.
  const halt = new AbortController()
  const signal = opts.signal ? AbortSignal.any([opts.signal, halt.signal]) : halt.signal
  const haltOn = (err: unknown): boolean => {
    if (!stalled(err)) return false
    if (!halt.signal.aborted) problem((err as Error).message)
    halt.abort()
    return true
  }
  let source
  let trust: Trust
  try {
    source = resolveSource(location)
    trust = source.signed
      ? { signed: true, keys: await loadKeyring(keyring, opts.signal), keyringLabel: keyringName(keyring) }
      : { signed: false, keys: [], keyringLabel: '' }
  } catch (err) {
    problem((err as Error).message)
    return report
  }
  if (!source.signed) problem(`${location} is read unsigned (.json): signatures cannot be verified`)

  const verifiedItems = new Map<string, StreamItem>()
  const objects = new ObjectBudget(location)
  const seen = new Set<string>()
  /** where each file a deep check read came from: the drive itself, or (where it cannot be read uncached) the cache */
  const readBacks: ReadBackSource[] = []

  /** Fetches and checks one document; returns its parsed JSON when trustworthy enough to use. */
  const check = async (rel: string): Promise<{ json: unknown; verified: boolean } | null> => {
    if (seen.has(rel)) return null
    seen.add(rel)
    const where = joinStreamPath(source.root, rel)
    const result: FileResult = { file: where, signed: false, ok: false }
    report.files.push(result)
    let raw: Buffer
    try {
      if (halt.signal.aborted) throw new Error('not read: the drive stopped answering')
      const got = await fetchBytes(where, {
        proxy: opts.proxy,
        signal,
        maxBytes: opts.maxMetadataBytes ?? MAX_METADATA_BYTES,
        localRoot: source.root,
        localTimeoutMs: opts.mediumTimeoutMs,
        // A deep check of a stick checks the signature on what the drive holds, not on what the cache remembers.
        fromMedium: opts.deep
      })
      raw = got.data
      if (got.readBack) readBacks.push(got.readBack)
    } catch (err) {
      result.problem = (err as Error).message
      // Once halted, a document cut short or not read is said once, by the halt.
      if (!haltOn(err) && !halt.signal.aborted) problem(result.problem)
      return null
    }
    try {
      objects.take(raw, rel)
    } catch (err) {
      result.problem = (err as Error).message
      problem(result.problem)
      return null
    }
    try {
      const { text, signature } = await openDocument(raw, rel, where, trust)
      Object.assign(result, signature satisfies SignatureInfo)
      result.ok = trust.signed
      if (!trust.signed) result.problem = 'not signed'
      return { json: parseJson(text, rel), verified: trust.signed }
    } catch (err) {
      result.problem = (err as Error).message
      problem(result.problem)
      const text = unverifiedText(raw)
      if (text === null) return null
      try {
        return { json: JSON.parse(text), verified: false }
      } catch {
        return null
      }
    }
  }

  const takeProducts = (json: unknown, rel: string, verified: boolean): void => {
    try {
      const doc = parseDocument(productsSchema, json, 'products:1.0', rel)
      const products = expandProducts(doc, doc.content_id ?? rel, rel)
      // Only verified documents may tell us what the files should hash to.
      if (!verified) return
      for (const p of products) {
        for (const v of Object.values(p.versions))
          for (const it of Object.values(v.items)) verifiedItems.set(it.path, it)
      }
    } catch (err) {
      problem((err as Error).message)
    }
  }

  const first = await check(source.indexPath)
  const format = (first?.json as { format?: unknown } | undefined)?.format
  if (first && format === 'products:1.0') {
    takeProducts(first.json, source.indexPath, first.verified)
  } else if (first) {
    try {
      const index = parseDocument(indexSchema, first.json, 'index:1.0', source.indexPath)
      const entries = Object.entries(index.index).filter(([, e]) => !e.format || e.format === 'products:1.0')
      if (trust.signed && !first.verified) {
        // Paths named only by an unverified index are an attacker's choice: following them would let a forged
        // index make us fetch (and hold) any number of documents. Report the index and stop here.
        problem(
          `${source.indexPath} did not verify: the ${entries.length} products file(s) it names were not checked`
        )
      } else if (entries.length > MAX_INDEX_ENTRIES) {
        problem(
          `${source.indexPath} names ${entries.length} products files, more than the ${MAX_INDEX_ENTRIES} allowed: not checked`
        )
      } else {
        await runLimited(
          entries.map(([contentId, entry]) => async () => {
            try {
              assertSafeItemPath(entry.path, `${source.indexPath}: content ${contentId}`)
            } catch (err) {
              problem((err as Error).message)
              return
            }
            // check() skips a path already seen, so an index naming one file 300 times costs one fetch.
            const doc = await check(entry.path)
            if (doc) takeProducts(doc.json, entry.path, doc.verified)
          }),
          DOCUMENT_CONCURRENCY,
          signal
        )
      }
    } catch (err) {
      problem((err as Error).message)
    }
  }

  if (opts.deep) {
    // Read first: a manifest that cannot be used is reported before any item is hashed.
    let staged: Set<string> | null = null
    try {
      if (!halt.signal.aborted)
        staged = await stagedItemPaths(source.root, { signal, timeoutMs: opts.mediumTimeoutMs })
    } catch (err) {
      if (!haltOn(err)) problem((err as Error).message)
    }
    const checks: ItemCheck[] = []
    await runLimited(
      [...verifiedItems.values()].map((item) => async () => {
        try {
          const c = await checkItem(source.root, item, {
            proxy: opts.proxy,
            signal,
            timeoutMs: opts.mediumTimeoutMs
          })
          // A check the halt cut short found nothing wrong with its file.
          if (c.ok || !halt.signal.aborted) checks.push(c)
        } catch (err) {
          haltOn(err)
        }
      }),
      opts.concurrency ?? 4,
      signal
    )
    checks.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    // A staged tree lists what it was given: one of those missing is damage, the rest were left out by design.
    report.items = checks.map(({ path, ok, missing, problem: p }) => {
      if (missing && !staged?.has(path)) return { path, ok, missing: true, problem: 'missing' }
      return { path, ok, ...(p ? { problem: missing ? 'staged but missing' : p } : {}) }
    })
    for (const c of report.items) if (!c.ok && !c.missing) problem(`${c.path}: ${c.problem}`)
    const sizes = new Map([...verifiedItems.values()].map((i) => [i.path, i.size]))
    report.bytes_checked = checks.filter((c) => c.ok).reduce((n, c) => n + (sizes.get(c.path) ?? 0), 0)
    report.missing_by_design = report.items.filter((c) => c.missing).length
    report.corrupt = report.items.filter((c) => !c.ok && !c.missing).length
    for (const c of checks) if (c.readBack) readBacks.push(c.readBack)
    if (readBacks.length) report.read_back = readBacks.includes('cache') ? 'cache' : 'medium'
  }

  if (opts.signal?.aborted) problem(`verify of ${location} cancelled: the report is incomplete`)
  else if (halt.signal.aborted)
    problem(`verify of ${location} stopped: the drive stopped answering, and the report is incomplete`)
  report.ok = report.problems.length === 0 && report.files.length > 0 && report.files.every((f) => f.ok)
  return report
}
