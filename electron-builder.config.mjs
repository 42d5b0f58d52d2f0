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
    { from: 'out/cli', to: 'cli', filter: ['maas-images.cjs'] },
    // The CLI bundle requires this native module at run time (N-API: the same binary loads in Node and Electron).
    {
      from: 'node_modules/@ronomon/direct-io',
      to: 'cli/node_modules/@ronomon/direct-io',
      filter: ['binding.node', 'package.json', 'LICENSE']
    },
    // The CLI bundle loads the system keyring's native module from here (packaging/build-cli.mjs); only
    // the build machine's platform package is installed, so only it is shipped.
    {
      from: 'node_modules/@napi-rs',
      to: 'cli/node_modules/@napi-rs',
      filter: ['keyring/**/*', 'keyring-*/**/*']
    }
  ],
  afterPack: join(root, 'packaging/after-pack.mjs'),
  linux: {
    target: ['AppImage', 'deb', 'rpm'],
    category: 'System',
    // deb and rpm need a maintainer; package.json has no author e-mail to take it from.
    maintainer: 'MAAS Images contributors',
    // `maas-images` on the PATH is the CLI (packaging/linux/maas-images); the app is this one.
    executableName: 'maas-images-desktop',
    icon: 'resources/icons',
    synopsis: 'Download, verify, stage and serve MAAS boot images',
    desktop: { entry: { Name: productName, StartupWMClass: productName } }
  },
  deb: {
    // electron-builder's default Depends (GTK 3, NSS, libnotify, ...) are all in stock Ubuntu.
    // Node.js is only for the CLI: recommended, not required.
    recommends: ['nodejs (>= 20)'],
    fpm: [`${join(root, 'packaging/linux/maas-images')}=/usr/bin/maas-images`]
  },
  rpm: {
    fpm: [`${join(root, 'packaging/linux/maas-images')}=/usr/bin/maas-images`]
  },
  win: { target: ['nsis'], icon: 'resources/icons/icon.ico' },
  nsis: { oneClick: false, perMachine: false, allowToChangeInstallationDirectory: true },
  mac: {
    target: ['dmg'],
    category: 'public.app-category.developer-tools',
    icon: 'resources/icons/icon.icns'
  },
  dmg: { title: productName }
}

export default builderConfig
