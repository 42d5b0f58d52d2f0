/** The port `maas-images serve` and the app's "Serve to MAAS" use unless told otherwise. */
export const DEFAULT_SERVE_PORT = 8780

/** Why a typed port cannot be used, or null when it can (1–65535; below 1024 needs root on Linux). */
export function servePortProblem(text: string): string | null {
  if (!/^\d{1,5}$/.test(text.trim())) return 'The port is a whole number from 1 to 65535.'
  const n = Number(text)
  return n >= 1 && n <= 65535 ? null : 'The port is a whole number from 1 to 65535.'
}
