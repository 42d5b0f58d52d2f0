/**
 * A ServeGateway that serves folders only (no boot source), with its events, for the services tests of a
 * served stick: how often it checks that the folder is still the one it started with is the test's to set.
 */
import { join } from 'node:path'
import { AppEvents } from '../../src/main/services/events'
import { ServeGateway } from '../../src/main/services/serve-gateway'
import type { HostServices } from './host-services'

export function folderServing(
  host: HostServices,
  rootCheckMs: number
): { events: AppEvents; serving: ServeGateway } {
  const events = new AppEvents()
  const serving = new ServeGateway({
    dataDir: join(host.dir, 'data'),
    events,
    getSource: async () => {
      throw new Error('not reached in this test')
    },
    mayServeDirectory: () => true,
    rootCheckMs
  })
  return { events, serving }
}
