import { describe, expect, it } from 'vitest'
import {
  buildGrid,
  cellKey,
  initialCells,
  planSelectionOps,
  selectionsOutsideGrid
} from '../../src/renderer/src/logic/image-grid'
import { catalogue, entry, selection } from './fake-bridge'

const grid = () => buildGrid(catalogue().entries, 'ubuntu')

describe('image grid', () => {
  it('groups the catalogue into releases (newest first) and arches, with kernel kinds', () => {
    const g = grid()
    expect(g.rows.map((r) => r.release)).toEqual(['noble', 'jammy'])
    expect(g.arches).toEqual(['amd64', 'arm64'])
    expect(g.rows[0].kernels.map((k) => k.kind)).toEqual(['GA', 'HWE', 'HWE edge'])
    expect(buildGrid(catalogue().entries, 'other').rows.map((r) => r.key)).toEqual(['centos/centos70'])
  })

  it('keeps a lowlatency kernel apart from the generic one', () => {
    const g = buildGrid(
      [entry({ subarch: 'ga-24.04' }), entry({ subarch: 'ga-24.04', kflavor: 'lowlatency' })],
      'ubuntu'
    )
    expect(g.rows[0].kernels).toHaveLength(2)
  })

  it('ticks * arches as every offered arch, and locks cells a wildcard selection covers', () => {
    const cells = initialCells(grid(), [
      selection({ id: 1, release: 'noble', arches: ['*'] }),
      selection({ id: 2, release: '*', arches: ['arm64'] })
    ])
    expect([...cells.checked].sort()).toEqual(['ubuntu/noble/amd64', 'ubuntu/noble/arm64'])
    expect(cells.lockedBy.get('ubuntu/jammy/arm64')?.id).toBe(2)
    expect(cells.lockedBy.has('ubuntu/jammy/amd64')).toBe(false)
  })

  it('plans nothing when the ticks match the selections', () => {
    const sels = [selection({ release: 'noble', arches: ['*'] })]
    const cells = initialCells(grid(), sels)
    expect(planSelectionOps(1, [grid()], sels, cells.checked)).toEqual([])
  })

  it('turns a * selection into an explicit list when an arch is unticked', () => {
    const sels = [selection({ id: 4, release: 'noble', arches: ['*'] })]
    const ops = planSelectionOps(1, [grid()], sels, new Set([cellKey('ubuntu', 'noble', 'arm64')]))
    expect(ops).toEqual([
      { kind: 'update', selection: sels[0], arg: { boot_source_id: 1, id: 4, arches: ['arm64'] } }
    ])
  })

  it('keeps arches the stream no longer offers instead of deleting the selection', () => {
    const sels = [selection({ id: 5, release: 'noble', arches: ['amd64', 's390x'] })]
    const ops = planSelectionOps(1, [grid()], sels, new Set())
    expect(ops).toEqual([
      { kind: 'update', selection: sels[0], arg: { boot_source_id: 1, id: 5, arches: ['s390x'] } }
    ])
  })

  it('orders deletes before updates before creates', () => {
    const sels = [
      selection({ id: 1, release: 'noble', arches: ['amd64'] }),
      selection({ id: 2, release: 'jammy' })
    ]
    const ops = planSelectionOps(
      1,
      [grid(), buildGrid(catalogue().entries, 'other')],
      sels,
      new Set(['ubuntu/jammy/amd64', 'ubuntu/jammy/arm64', 'centos/centos70/amd64'])
    )
    expect(ops.map((o) => o.kind)).toEqual(['delete', 'update', 'create'])
  })

  it('reports selections the tables cannot show', () => {
    const sels = [
      selection({ id: 1 }),
      selection({ id: 9, release: 'bionic' }),
      selection({ id: 10, os: '*' })
    ]
    expect(selectionsOutsideGrid([grid()], sels).map((s) => s.id)).toEqual([9, 10])
  })
})
