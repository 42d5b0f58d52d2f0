import { describe, expect, it } from 'vitest'
import { applyPlan, markBlobsComplete } from '../../src/main/import/plan/apply-plan'
import { buildPlan } from '../../src/main/import/plan/plan'
import { keepOneVersion, referencedBlobs, type ResourcesDoc } from '../../src/main/library/resource-store'
import { resourceStatus } from '../../src/main/library/resource-view'
import { bootloader, selection, source, stream, ubuntu } from './fixtures'

const now = '2025-01-01T00:00:00Z'

function planFor(serials: string[], sels = [selection(1, 'ubuntu', 'noble', ['amd64'], ['ga-24.04'])]) {
  const s = stream('http://m/', [
    ubuntu('noble', 'amd64', 'ga-24.04', serials),
    bootloader('pxelinux', 'pxe', 'amd64', '1')
  ])
  const read = new Map([[1, { source: source(1), selections: sels }]])
  return { plan: buildPlan([{ source: source(1), selections: sels, stream: s }]), read }
}

const fresh = (): ResourcesDoc => ({ version: 1, next_id: 1, resources: [] })

describe('boot resources', () => {
  it('creates resources with stable ids and a queued set, complete where the cache already has files', () => {
    const doc = fresh()
    const { plan, read } = planFor(['20250101'])
    const cached = new Set([plan.resources[0].files[0].sha256])
    const out = applyPlan(doc, { plan, readSources: read, configured: new Set([1]), cached, now })
    expect(doc.resources.map((r) => [r.id, r.name, r.architecture])).toEqual([
      [1, 'ubuntu/noble', 'amd64/ga-24.04'],
      [2, 'pxelinux/pxe', 'amd64/generic']
    ])
    expect(out.ids.get('ubuntu/noble|amd64/ga-24.04')).toBe(1)
    const set = doc.resources[0].sets['20250101']
    expect(set.complete).toBe(false)
    expect(set.files['boot-kernel'].complete).toBe(true)
    expect(set.progress).toBe(Math.floor((set.files['boot-kernel'].size / set.size) * 100))
    expect(resourceStatus(doc.resources[0])).toBe('Queued for download')
    expect(resourceStatus(doc.resources[0], { state: 'downloading', percent: 45 })).toBe('Downloading 45%')

    // A second plan on the same doc keeps the ids.
    applyPlan(doc, { plan, readSources: read, configured: new Set([1]), cached, now })
    expect(doc.resources.map((r) => r.id)).toEqual([1, 2])
    expect(doc.next_id).toBe(3)
  })

  it('keeps one complete version after a sync, and the older one while the newer is incomplete', () => {
    const doc = fresh()
    const v1 = planFor(['20250101'])
    applyPlan(doc, { plan: v1.plan, readSources: v1.read, configured: new Set([1]), cached: new Set(), now })
    markBlobsComplete(doc, new Set(v1.plan.blobs.map((b) => b.sha256)))
    expect(resourceStatus(doc.resources[0])).toBe('Synced')

    const v2 = planFor(['20250101', '20250805'])
    applyPlan(doc, { plan: v2.plan, readSources: v2.read, configured: new Set([1]), cached: new Set(), now })
    keepOneVersion(doc)
    expect(Object.keys(doc.resources[0].sets).sort()).toEqual(['20250101', '20250805'])
    expect(resourceStatus(doc.resources[0])).toBe('Update available')

    markBlobsComplete(doc, new Set(v2.plan.blobs.map((b) => b.sha256)))
    keepOneVersion(doc)
    expect(Object.keys(doc.resources[0].sets)).toEqual(['20250805'])
    expect(resourceStatus(doc.resources[0])).toBe('Synced')
    // Blobs of the removed set are no longer referenced (the squashfs path changed with the version).
    const refs = referencedBlobs(doc)
    const oldSquash = v1.plan.resources[0].files.find((f) => f.item === 'squashfs')!.sha256
    expect(refs.has(oldSquash)).toBe(false)
  })

  it('removes unselected resources and those of deleted sources; keeps ones of unreadable sources', () => {
    const doc = fresh()
    const { plan, read } = planFor(['1'])
    applyPlan(doc, { plan, readSources: read, configured: new Set([1]), cached: new Set(), now })
    const empty = buildPlan([])
    // Source 1 could not be read this time: nothing changes.
    applyPlan(doc, { plan: empty, readSources: new Map(), configured: new Set([1]), cached: new Set(), now })
    expect(doc.resources).toHaveLength(2)
    // Read fine but the selection is gone: the ubuntu resource goes, the bootloader stays with a note.
    const out = applyPlan(doc, {
      plan: empty,
      readSources: new Map([[1, { source: source(1), selections: [] }]]),
      configured: new Set([1]),
      cached: new Set(),
      now
    })
    expect(out.removed.map((r) => r.name)).toEqual(['ubuntu/noble'])
    expect(doc.resources.map((r) => r.name)).toEqual(['pxelinux/pxe'])
    expect(doc.resources[0].note).toContain('bootloaders are always kept')
    // Source deleted: everything of it goes.
    applyPlan(doc, { plan: empty, readSources: new Map(), configured: new Set(), cached: new Set(), now })
    expect(doc.resources).toEqual([])
  })

  it('shows a failure with its reason', () => {
    const doc = fresh()
    const { plan, read } = planFor(['1'])
    applyPlan(doc, { plan, readSources: read, configured: new Set([1]), cached: new Set(), now })
    doc.resources[0].last_error = 'checksum mismatch: x y expected a got b'
    expect(resourceStatus(doc.resources[0])).toBe('Failed: checksum mismatch: x y expected a got b')
  })
})
