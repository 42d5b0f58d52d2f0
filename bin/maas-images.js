#!/usr/bin/env node
// Runs the built CLI (npm run build writes out/main/cli.js). Plain Node: Electron is not needed.
const { existsSync } = require('node:fs')
const { join } = require('node:path')

const cli = join(__dirname, '..', 'out', 'main', 'cli.js')
if (!existsSync(cli)) {
  process.stderr.write('maas-images: the CLI is not built yet; run `npm run build` first\n')
  process.exit(1)
}
require(cli)
