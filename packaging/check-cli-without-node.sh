#!/usr/bin/env bash
# Runs the single-executable CLI (out/cli/, `npm run build:cli:sea`) on a Debian system that has no Node.js: a
# `debootstrap --variant=minbase bookworm` tree in a temporary folder, with the CLI, its native modules and the
# keyring where the deb installs them (/opt/MAAS Images/resources/) and /usr/bin/maas-images as the deb's link.
# Then `maas-images --help` and `maas-images boot-sources read` with an empty PATH, in a data directory inside
# the tree. Needs root, debootstrap and deb.debian.org (or DEBIAN_MIRROR); about 150 MB and a minute or two.
# Not part of `npm test`. Usage: sudo packaging/check-cli-without-node.sh [EXISTING-TREE]
# (EXISTING-TREE: a debootstrapped folder to reuse; it is left in place, the copied files removed.)
set -euo pipefail
cd "$(dirname "$0")/.."

[ "$(id -u)" = 0 ] || { echo "check-cli-without-node: needs root (debootstrap, chroot, mount)" >&2; exit 2; }
[ -x out/cli/maas-images ] || { echo "check-cli-without-node: no out/cli/maas-images: run npm run build:cli:sea" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/maas-images-nonode-XXXXXX")"
tree="${1:-$work/tree}"
install="$tree/opt/MAAS Images"
cleanup() {
  if mountpoint -q "$tree/proc"; then umount "$tree/proc"; fi
  if [ -n "${1:-}" ]; then rm -rf "$install" "$tree/usr/bin/maas-images" "$tree/data"; fi
  rm -rf "$work"
}
trap 'cleanup "${1:-}"' EXIT

if [ ! -d "$tree/usr" ]; then
  command -v debootstrap >/dev/null || { echo "check-cli-without-node: apt-get install debootstrap" >&2; exit 2; }
  debootstrap --variant=minbase bookworm "$tree" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" >"$work/debootstrap.log"
fi
if chroot "$tree" sh -c 'command -v node || command -v nodejs'; then
  echo "check-cli-without-node: the tree has a Node.js; the check would prove nothing" >&2
  exit 1
fi

mkdir -p "$install/resources" "$tree/data"
cp -a out/cli "$install/resources/cli"
cp -a resources/keyrings "$install/resources/keyrings"
cp -P packaging/linux/maas-images "$tree/usr/bin/maas-images"
# Node finds its own executable through /proc/self/exe, as on any running Linux.
mount -t proc proc "$tree/proc"

run() { chroot "$tree" /usr/bin/env -i PATH= HOME=/data /usr/bin/maas-images "$@"; }
echo "== maas-images --help (first lines)"
run --help >"$work/help.txt"
head -3 "$work/help.txt"
echo "== maas-images --data-dir /data boot-sources read"
run --data-dir /data boot-sources read
echo "check-cli-without-node: OK on $(cat "$tree/etc/debian_version"), no node in the tree"
