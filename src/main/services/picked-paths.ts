/**
 * The paths the user chose in a native picker, per kind. Main keeps them so that (1) the next
 * dialog of the same kind opens where the user was, and (2) a service can tell a path the user
 * picked from one the renderer merely typed or sent (staging checks `wasPicked('directory', p)`
 * before it trusts a target without the typed-path validation). Memory is bounded: only the last
 * few picks of each kind are kept.
 */
export type PickKind = 'keyring' | 'directory'

/** Opens the native dialog; resolves to the chosen absolute path, or null when cancelled. */
export type PathPicker = (kind: PickKind, defaultPath: string | undefined) => Promise<string | null>

const KEEP = 16

export class PickedPaths {
  private readonly picks = new Map<PickKind, string[]>()

  remember(kind: PickKind, path: string): void {
    const list = (this.picks.get(kind) ?? []).filter((p) => p !== path)
    list.push(path)
    this.picks.set(kind, list.slice(-KEEP))
  }

  last(kind: PickKind): string | undefined {
    return this.picks.get(kind)?.at(-1)
  }

  wasPicked(kind: PickKind, path: string): boolean {
    return this.picks.get(kind)?.includes(path) ?? false
  }
}
