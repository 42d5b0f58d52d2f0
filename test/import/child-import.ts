/**
 * Runs one import in a separate process, for the kill -9 test:
 *   node --import tsx test/import/child-import.ts DATA_DIR URL KEYRING RELEASE
 * Prints the result as JSON on stdout when (if) it finishes.
 */
import { ImportEngine } from '../../src/main/import'

async function main(): Promise<void> {
  const [dataDir, url, keyring, release] = process.argv.slice(2)
  const engine = new ImportEngine({
    dataDir,
    listSources: async () => [
      {
        source: { id: 1, url, keyring_filename: keyring, keyring_data: '', created: '', updated: '' },
        selections: [
          { id: 1, boot_source_id: 1, os: 'ubuntu', release, arches: ['*'], subarches: ['*'], labels: ['*'] }
        ]
      }
    ],
    getSettings: async () => ({
      auto_sync: false,
      start_at_login: false,
      sync_interval_minutes: 60,
      connections: 8,
      proxy: { http_proxy: '', https_proxy: '', no_proxy: '' },
  commissioning_distro_series: 'noble'
    })
  })
  const result = await engine.runImport()
  process.stdout.write(`${JSON.stringify(result)}\n`)
  await engine.dispose()
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
})
