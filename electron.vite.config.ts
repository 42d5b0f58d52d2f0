import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import vue from '@vitejs/plugin-vue'

// One name for the code main, preload and renderer share, the same in every tsconfig and in vitest.
const shared = { '@shared': resolve(__dirname, 'src/shared') }

export default defineConfig({
  main: {
    resolve: { alias: shared },
    build: {
      // electron-store is ESM-only while main is CommonJS: bundle it instead of requiring it.
      externalizeDeps: { exclude: ['electron-store', 'zod'] },
      rollupOptions: {
        input: {
          // the Electron main process (the only entry that imports electron)
          index: resolve(__dirname, 'src/main/index.ts'),
          // the maas-images CLI, plain Node
          cli: resolve(__dirname, 'src/main/cli.ts'),
          // the real services behind a loopback WebSocket, for browser-mode end-to-end tests
          'browser-host': resolve(__dirname, 'src/main/browser-host.ts'),
          // one import, in a utility process (the app) or a worker thread (browser-host); plain Node
          'import-worker': resolve(__dirname, 'src/main/import-worker.ts')
        }
      }
    }
  },
  preload: {
    resolve: { alias: shared },
    build: {
      rollupOptions: {
        // A sandboxed preload must be one CommonJS file with no require() of node_modules.
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
        output: { format: 'cjs', inlineDynamicImports: true }
      },
      externalizeDeps: false
    }
  },
  renderer: {
    resolve: { alias: { '@renderer': resolve(__dirname, 'src/renderer/src'), ...shared } },
    plugins: [vue()],
    css: {
      preprocessorOptions: {
        scss: {
          // Vanilla 4 is built on @import and global mixins (its docs: `@import 'vanilla-framework';
          // @include vanilla;`), so Dart Sass printed ~700 deprecation warnings per build from Vanilla's own
          // files, burying any warning of ours. Quiet Vanilla's; ours stay on, except @import, which using
          // Vanilla requires.
          quietDeps: true,
          silenceDeprecations: ['import']
        }
      }
    },
    build: { rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } } }
  }
})
