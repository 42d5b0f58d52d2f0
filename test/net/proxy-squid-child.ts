/**
 * Run by proxy-squid.system.test.ts inside a D-Bus session with an unlocked Secret Service: the proxy URL
 * with its password goes in through `settings update` (so into the keyring), then an import runs through
 * squid, then the password is changed to a wrong one and the import runs again. Prints what it saw as JSON.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { cli } from '../cli/cli-helpers'
import { printFacts } from '../support/child-facts'

const [dataDir, sourceUrl, keyringFile, proxyUrl, wrongProxyUrl] = process.argv.slice(2)

async function main(): Promise<Record<string, unknown>> {
  const settings = await cli(dataDir, 'settings', 'update', `http_proxy=${proxyUrl}`, 'no_proxy=')
  const file = readFileSync(join(dataDir, 'settings.json'), 'utf8')
  const source = await cli(
    dataDir,
    'boot-source',
    'update',
    '1',
    `url=${sourceUrl}`,
    `keyring_filename=${keyringFile}`
  )
  const imported = await cli(dataDir, 'boot-resources', 'import', '--wait')
  const resources = await cli(dataDir, 'boot-resources', 'read')
  await cli(dataDir, 'settings', 'update', `http_proxy=${wrongProxyUrl}`)
  const refused = await cli(dataDir, 'boot-resources', 'import', '--wait')
  const lastImport = readFileSync(join(dataDir, 'last-import.json'), 'utf8')
  return { settings, file, source, imported, resources, refused, lastImport }
}

printFacts(main)
