/**
 * The bounds of the settings, one definition for the settings schema (main refuses anything else)
 * and the Settings form (which says why before the request). Free of zod for the renderer bundle.
 */
export const SETTINGS_BOUNDS = {
  /** minutes between automatic syncs: 5 minutes to one week */
  sync_interval_minutes: { min: 5, max: 7 * 24 * 60 },
  /** total download connections */
  connections: { min: 1, max: 32 }
} as const

/** A release codename such as noble: lower case, digits, `.` and `-`, at most 64 characters. */
export const RELEASE_CODENAME = /^[a-z0-9][a-z0-9.-]{0,63}$/

export function isWithin(bounds: { min: number; max: number }, value: number): boolean {
  return Number.isInteger(value) && value >= bounds.min && value <= bounds.max
}
