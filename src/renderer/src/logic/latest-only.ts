/**
 * Only the newest of overlapping reloads may land: a reload started by an event can be overtaken
 * by a newer one, and an older answer arriving last must not overwrite the newer one. `begin()`
 * starts a request and returns its "am I still the newest?" check; `invalidate()` makes every
 * request in flight stale (the store was cleared).
 */
export interface LatestOnly {
  begin(): () => boolean
  invalidate(): void
}

export function latestOnly(): LatestOnly {
  let generation = 0
  return {
    begin() {
      const mine = ++generation
      return () => mine === generation
    },
    invalidate() {
      generation++
    }
  }
}
