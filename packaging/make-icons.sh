#!/bin/sh
# Regenerates the app icons in resources/icons/ from icon.svg: the PNG sizes Linux desktops use
# (electron-builder installs each as hicolor/NxN/apps), icon.ico for Windows (16 to 256 px) and
# icon.icns for macOS (16 to 1024 px). Needs rsvg-convert (librsvg2-bin), ImageMagick and png2icns
# (icnsutils). The generated files are committed, so `npm run dist` does not need these tools.
set -eu
cd "$(dirname "$0")/../resources/icons"
for size in 16 24 32 48 64 128 256 512 1024; do
  rsvg-convert -w "$size" -h "$size" icon.svg -o "${size}x${size}.png"
done
/usr/bin/convert 16x16.png 24x24.png 32x32.png 48x48.png 64x64.png 128x128.png 256x256.png icon.ico
png2icns icon.icns 16x16.png 32x32.png 128x128.png 256x256.png 512x512.png 1024x1024.png
