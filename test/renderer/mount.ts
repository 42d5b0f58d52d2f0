/** Mounts a screen with a fresh Pinia, the fake bridge and a memory router, then lets it load. */
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { Component } from 'vue'
import { setBridge } from '../../src/renderer/src/bridge'
import type { Bridge } from '@shared/ipc-contract'
import type { FakeBridge } from './fake-bridge'

export async function mountWith(
  component: Component,
  bridge: FakeBridge,
  props: Record<string, unknown> = {}
) {
  setBridge(bridge as unknown as Bridge)
  const pinia = createPinia()
  setActivePinia(pinia)
  const stub = { template: '<div />' }
  const router = createRouter({
    history: createMemoryHistory(),
    routes: ['/', '/images', '/change-source', '/sources', '/settings'].map((path) => ({
      path,
      component: stub
    }))
  })
  await router.push('/')
  const wrapper = mount(component, { props, global: { plugins: [pinia, router] }, attachTo: document.body })
  await flushPromises()
  return { wrapper, pinia, router }
}
