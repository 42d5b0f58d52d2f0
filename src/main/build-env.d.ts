/**
 * What Vite replaces at build time in main's bundles. DEV is true only in `electron-vite dev`;
 * `electron-vite build` (and so every package) compiles it to `false`.
 */
interface ImportMetaEnv {
  readonly DEV: boolean
}
interface ImportMeta {
  readonly env: ImportMetaEnv
}
