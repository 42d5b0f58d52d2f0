/**
 * How this window looks, kept in the renderer (localStorage) like maas-ui keeps its navigation toggle:
 * the navigation collapsed or not, and the colour theme (follow the system, or always light or dark).
 * They are preferences of the view, not settings of the mirror, so main never sees them.
 */
import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'

export type ThemeChoice = 'system' | 'light' | 'dark'

const NAV_KEY = 'maas-images.nav-collapsed'
const THEME_KEY = 'maas-images.theme'
const THEMES: readonly ThemeChoice[] = ['system', 'light', 'dark']

/** localStorage can be missing or refuse (a locked-down profile): the preference then lasts this window only. */
function read(key: string): string | null {
  try {
    return globalThis.localStorage?.getItem(key) ?? null
  } catch {
    return null
  }
}
function write(key: string, value: string): void {
  try {
    globalThis.localStorage?.setItem(key, value)
  } catch {
    // kept in memory only
  }
}

export const useViewPreferencesStore = defineStore('view-preferences', () => {
  const navCollapsed = ref(read(NAV_KEY) === 'true')
  const stored = read(THEME_KEY)
  const theme = ref<ThemeChoice>(THEMES.includes(stored as ThemeChoice) ? (stored as ThemeChoice) : 'system')

  const query = globalThis.matchMedia?.('(prefers-color-scheme: dark)')
  const systemDark = ref(query?.matches ?? false)
  query?.addEventListener?.('change', (e) => (systemDark.value = e.matches))

  /** the theme in effect: the system's unless the admin chose one */
  const dark = computed(() => (theme.value === 'system' ? systemDark.value : theme.value === 'dark'))

  watch(navCollapsed, (v) => write(NAV_KEY, String(v)))
  watch(theme, (v) => write(THEME_KEY, v))

  function toggleNav(): void {
    navCollapsed.value = !navCollapsed.value
  }

  return { navCollapsed, theme, dark, toggleNav }
})
