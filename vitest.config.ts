import { configDefaults, defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'
import { resolve } from 'node:path'

// Tests for main (plain Node), shared and the renderer's components (happy-dom), in two projects:
//   unit    needs no root and no system service: what `npm test` and `npm run test:unit` run;
//   system  *.system.test.ts, which mount file systems (FUSE, tmpfs) or start nginx: root only,
//           `npm run test:system`, run by .ci/run after `npm test`.
const SYSTEM = 'test/**/*.system.test.ts'

export default defineConfig({
  plugins: [vue()],
  resolve: {
    alias: {
      '@renderer': resolve(__dirname, 'src/renderer/src'),
      '@shared': resolve(__dirname, 'src/shared')
    }
  },
  test: {
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, SYSTEM] }
      },
      {
        extends: true,
        test: { name: 'system', include: [SYSTEM], globalSetup: ['test/support/system-setup.ts'] }
      }
    ]
  }
})
