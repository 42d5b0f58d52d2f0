/**
 * What the CLI writes to stderr besides its progress, as an admin would read it in a log: the import and the
 * staging print plain progress lines when stderr is not a terminal (src/main/cli/cli-progress.ts) and one
 * closing summary; anything else there (a Node warning, a stack) is noise the offline target forbids.
 */
const PROGRESS: RegExp[] = [
  /^\d+% \S+ \S+ of \S+ \S+, .*, ETA \S+, files \d+\/\d+$/,
  /^(reading stream metadata|planning|finishing)…$/,
  /^checking what is already on the target… files \d+\/\d+$/,
  /^Import of boot resources finished \(.*\)$/,
  /^Staged \d+ image\(s\), .*$/
]

/** The stderr lines that are neither progress nor the closing summary. */
export function notProgress(stderr: string): string[] {
  return stderr
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l !== '' && !PROGRESS.some((p) => p.test(l)))
}
