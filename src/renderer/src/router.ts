import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router'
import ImagesView from './views/ImagesView.vue'
import ChangeSourceView from './views/ChangeSourceView.vue'
import SourcesView from './views/SourcesView.vue'
import SettingsView from './views/SettingsView.vue'
import StagingView from './views/StagingView.vue'

const routes: RouteRecordRaw[] = [
  { path: '/', redirect: '/images' },
  { path: '/images', name: 'images', component: ImagesView, meta: { title: 'Images' } },
  {
    path: '/change-source',
    name: 'change-source',
    component: ChangeSourceView,
    meta: { title: 'Change source' }
  },
  { path: '/sources', name: 'sources', component: SourcesView, meta: { title: 'Sources' } },
  { path: '/settings', name: 'settings', component: SettingsView, meta: { title: 'Settings' } },
  { path: '/staging', name: 'staging', component: StagingView, meta: { title: 'Staging' } }
]

/** The window's title names the screen first ("Images — MAAS Images"), as the taskbar and screen readers show it. */
export function windowTitle(screen: unknown): string {
  return typeof screen === 'string' && screen ? `${screen} — MAAS Images` : 'MAAS Images'
}

export function createAppRouter() {
  const router = createRouter({ history: createWebHashHistory(), routes })
  router.afterEach((to) => {
    document.title = windowTitle(to.meta.title)
  })
  return router
}
