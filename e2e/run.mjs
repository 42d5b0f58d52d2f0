#!/usr/bin/env node
// `npm run test:e2e`: picks the launch mode, says which one runs, and runs the Playwright specs.
// Electron on Linux needs a display: without one, the run goes under xvfb-run.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { chromiumBinary, electronBinary, launchMode } from './launch-mode.mjs'

const mode = launchMode()
if (!existsSync('out/main/browser-host.js') || !existsSync('out/renderer/index.html')) {
  console.error('e2e: the app is not built; run `npm run build` first')
  process.exit(1)
}
if (mode === 'electron') {
  console.log(`e2e: electron mode (_electron.launch with ${electronBinary()})`)
} else {
  const chromium = chromiumBinary()
  if (!chromium) {
    console.error('e2e: browser mode needs Chromium (Debian: apt-get install chromium); none found')
    process.exit(1)
  }
  console.log(`e2e: browser mode (built renderer in ${chromium} over the loopback WebSocket bridge)`)
}

// Playwright's CLI run by this node, not through `npx`: on Windows npx is a .cmd script, which Node
// starts only through a shell.
const playwrightCli = createRequire(import.meta.url).resolve('@playwright/test/cli')
const args = [playwrightCli, 'test', ...process.argv.slice(2)]
let command = process.execPath
let commandArgs = args
if (mode === 'electron' && process.platform === 'linux' && !process.env.DISPLAY) {
  command = 'xvfb-run'
  commandArgs = ['--auto-servernum', '--server-args=-screen 0 1440x960x24', process.execPath, ...args]
}
const result = spawnSync(command, commandArgs, {
  stdio: 'inherit',
  env: { ...process.env, MAAS_IMAGES_E2E_MODE: mode, MAAS_IMAGES_CHROMIUM: chromiumBinary() ?? '' }
})
console.log(`e2e: ${mode} mode finished with exit code ${result.status}`)
process.exit(result.status ?? 1)
