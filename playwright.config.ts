import { defineConfig } from '@playwright/test'

// The same specs run in electron mode (_electron.launch) or browser mode (the built renderer in
// Debian's Chromium over the loopback WebSocket bridge); e2e/run.mjs chooses and says which.
export default defineConfig({
  testDir: './e2e',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results/playwright',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  // Kept for a failed test only; CI uploads test-results/ as an artifact.
  use: { trace: 'retain-on-failure', screenshot: 'only-on-failure' }
})
