import type { ServingStatus } from './types'

/** The status of a server that is not running: after a stop by the admin (no reason), or by itself (why). */
export function notServing(stoppedReason: string | null = null): ServingStatus {
  return {
    serving: false,
    url: null,
    address: null,
    port: null,
    boot_source_id: null,
    label: null,
    dir: null,
    stopped_reason: stoppedReason
  }
}
