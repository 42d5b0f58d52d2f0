// electron-builder configuration for `npm run dist` (see README → Install). Kept in JavaScript so
// the unit tests (test/packaging/builder-config.test.ts) can check the targets, files and hooks.
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = dirname(fileURLToPath(import.meta.url))
const productName = 'MAAS Images'

/** @type {import('electron-builder').Configuration} */
export const builderConfig = {
  appId: 'io.maas.images',
  productName,
  copyright: 'Copyright © Canonical Ltd. and the MAAS Images contributors',
  directories: { output: 'dist', buildResources: 'packaging' },
  // Only the built app goes into app.asar; the browser-mode test host and the CLI bundle do not.
  files: [
    'package.json',
    'out/main/**',
    'out/preload/**',
    'out/renderer/**',
    '!out/main/browser-host.js',
    '!out/main/cli.js',
    '!**/*.map'
  ],
  asar: true,
  // Native modules cannot be loaded from inside app.asar (electron-builder rebuilds them for Electron and
  // unpacks them by default; said here so a config change cannot lose it): @ronomon/direct-io's binding.node.
  asarUnpack: ['**/*.node'],
  // Next to app.asar, in process.resourcesPath (src/main/core/resources-path.ts looks there first).
  extraResources: [
    { from: 'resources/keyrings', to: 'keyrings', filter: ['**/*'] },
    { from: 'resources/icons', to: 'icons', filter: ['512x512.png'] },
    // The CLI as a single executable (packaging/build-cli-sea.mjs: Node and the CLI's files in one file, built on
    // the OS it ships for) and the native modules it requires at run time from the node_modules beside it
    // (N-API: the same binaries load in Node and Electron). Only the build machine's keyring binary exists.
    // Two entries: electron-builder never copies a node_modules folder at the root of an entry's `from`.
    { from: 'out/cli', to: 'cli', filter: ['maas-images', 'maas-images.exe'] },
    { from: 'out/cli/node_modules', to: 'cli/node_modules', filter: ['**/*'] }
  ],
  afterPack: join(root, 'packaging/after-pack.mjs'),
  linux: {
    target: ['AppImage', 'deb', 'rpm'],
    category: 'System',
    // deb and rpm need a maintainer; package.json has no author e-mail to take it from.
    maintainer: 'MAAS Images contributors',
    // `maas-images` on the PATH is the CLI (packaging/linux/maas-images: a link to the single executable in
    // resources/cli, which needs no Node.js); the app is this one.
    executableName: 'maas-images-desktop',
    icon: 'resources/icons',
    synopsis: 'Download, verify, stage and serve MAAS boot images',
    desktop: { entry: { Name: productName, StartupWMClass: productName } }
  },
  // Package file names without spaces (the deb's and rpm's defaults have none): GitHub renames release assets with
  // spaces, and SHA256SUMS would then name files nobody downloads.
  appImage: { artifactName: '${name}-${version}-${arch}.${ext}' },
  deb: {
    // electron-builder's default Depends, plus the two libraries Electron links to that GTK 3 does not bring:
    // without them the app does not start on a minimal Ubuntu or Debian ("libgbm.so.1: cannot open shared
    // object file"). The release workflow checks every library of the app in a clean ubuntu:24.04 (ldd).
    depends: [
      'libgtk-3-0',
      'libnotify4',
      'libnss3',
      'libxss1',
      'libxtst6',
      'xdg-utils',
      'libatspi2.0-0',
      'libuuid1',
      'libsecret-1-0',
      'libgbm1',
      'libasound2'
    ],
    fpm: [`${join(root, 'packaging/linux/maas-images')}=/usr/bin/maas-images`]
  },
  rpm: {
    fpm: [`${join(root, 'packaging/linux/maas-images')}=/usr/bin/maas-images`]
  },
  win: { target: ['nsis'], icon: 'resources/icons/icon.ico' },
  nsis: {
    oneClick: false,
    perMachine: false,
    allowToChangeInstallationDirectory: true,
    artifactName: '${name}-setup-${version}-${arch}.${ext}'
  },
  mac: {
    target: ['dmg'],
    category: 'public.app-category.developer-tools',
    icon: 'resources/icons/icon.icns'
  },
  dmg: { title: productName, artifactName: '${name}-${version}-${arch}.${ext}' }
}

export default builderConfig
