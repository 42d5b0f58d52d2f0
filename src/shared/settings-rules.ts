/**
 * Rules of the settings both the schema (main refuses anything else) and the Settings form (which says why
 * before the request) apply; the bounds of each setting are in its entry of settings-table.ts. Free of zod
 * for the renderer bundle.
 */
/** A release codename such as noble: lower case, digits, `.` and `-`, at most 64 characters. */
export const RELEASE_CODENAME = /^[a-z0-9][a-z0-9.-]{0,63}$/

export function isWithin(bounds: { min: number; max: number }, value: number): boolean {
  return Number.isInteger(value) && value >= bounds.min && value <= bounds.max
}
