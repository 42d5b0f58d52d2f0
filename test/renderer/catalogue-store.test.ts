import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { setBridge } from '../../src/renderer/src/bridge'
import { useCatalogueStore } from '../../src/renderer/src/stores/catalogue'
import type { Bridge } from '@shared/ipc-contract'
import { catalogue, createFakeBridge, type FakeBridge } from './fake-bridge'

let bridge: FakeBridge
beforeEach(() => {
  bridge = createFakeBridge()
  setBridge(bridge as unknown as Bridge)
  setActivePinia(createPinia())
})

describe('catalogue store', () => {
  it('joins a read of the same source revision already in flight instead of fetching twice', async () => {
    let answer: () => void = () => {}
    bridge.getCatalogue.mockImplementation(() => new Promise((r) => (answer = () => r(catalogue()))))
    const store = useCatalogueStore()
    const first = store.load(1, false, 'rev-a')
    const second = store.load(1, false, 'rev-a')
    expect(bridge.getCatalogue).toHaveBeenCalledTimes(1)
    answer()
    await Promise.all([first, second])
    expect(store.catalogue?.source_id).toBe(1)
  })

  it('reads again for a new revision (after a Connect) or an explicit refresh', async () => {
    bridge.getCatalogue.mockImplementation(() => new Promise(() => {}))
    const store = useCatalogueStore()
    void store.load(1, false, 'rev-a')
    void store.load(1, false, 'rev-b')
    void store.load(1, true, 'rev-b')
    expect(bridge.getCatalogue).toHaveBeenCalledTimes(3)
  })
})
