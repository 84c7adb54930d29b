#!/bin/sh
# Fetches Debian's 32-bit kernel (linux-image-<version>-686-pae, the i386
# package of the same version as dom0's amd64 kernel) and busybox-static
# (i386), unmodified, with apt-get download and dpkg -x under
# build/images/debian-686/, for the 32-bit PVH domU test: it copies the
# kernel to build/images/debian-686/vmlinuz, its xen-blkfront module to
# .../xen-blkfront.ko and busybox to .../busybox.
#
# Needs dpkg's i386 architecture (dpkg --add-architecture i386, then
# apt-get update), which this script adds if it is missing. Idempotent: once
# both files exist it does nothing and touches no network.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/build/images/debian-686"

if [ -s "$out/vmlinuz" ] && [ -s "$out/xen-blkfront.ko" ] && [ -s "$out/busybox" ]; then
	exit 0
fi
version=$(cat "$root/build/images/kernel-version")
pkg="linux-image-${version%-amd64}-686-pae:i386"

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
if ! dpkg --print-foreign-architectures | grep -qx i386; then
	$sudo dpkg --add-architecture i386
	$sudo apt-get update -q
fi

rm -rf "$out"
mkdir -p "$out/deb"
cd "$out/deb"
if ! apt-get download -q "$pkg" busybox-static:i386; then
	echo "debian-686: download failed; running apt-get update and retrying"
	$sudo apt-get update -q
	apt-get download -q "$pkg" busybox-static:i386
fi
for deb in "$out"/deb/*.deb; do
	dpkg -x "$deb" "$out/pkg"
done
cp "$out"/pkg/boot/vmlinuz-* "$out/vmlinuz"
cp "$out/pkg/bin/busybox" "$out/busybox"
# The disk frontend is a module (CONFIG_XEN_BLKDEV_FRONTEND=m, no dependencies).
find "$out/pkg/lib/modules" -name xen-blkfront.ko -exec cp {} "$out/xen-blkfront.ko" \;
echo "debian-686: $(basename "$out"/pkg/boot/vmlinuz-*) and busybox (i386) in $out"
