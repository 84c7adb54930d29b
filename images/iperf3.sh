#!/bin/sh
# Builds build/images/iperf3.cpio.gz: Debian's iperf3 with the shared
# libraries it needs, as a cpio archive to append to an initramfs (dom0's
# or a guest's) for bench/net. iperf3, libiperf0 and libsctp1 come from
# apt-get download + dpkg -x (nothing is installed on the host); the C
# library and OpenSSL are the host's own Debian 12 ones, which ldd names.
#
# Idempotent: once the archive exists it does nothing and touches no network.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/build/images"
dir="$out/iperf3"
archive="$out/iperf3.cpio.gz"

[ -s "$archive" ] && exit 0
rm -rf "$dir"
mkdir -p "$dir/deb" "$dir/root"
cd "$dir/deb"
if ! apt-get download -q iperf3 libiperf0 libsctp1; then
	echo "iperf3: download failed; running apt-get update and retrying"
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	$sudo apt-get update -q
	apt-get download -q iperf3 libiperf0 libsctp1
fi
for deb in ./*.deb; do
	dpkg -x "$deb" "$dir/pkg"
done
stage="$dir/root"
mkdir -p "$stage/usr/bin"
cp "$dir/pkg/usr/bin/iperf3" "$stage/usr/bin/iperf3"
# Every library the binary loads, from the packages or else the host.
libs=$(LD_LIBRARY_PATH="$dir/pkg/usr/lib/x86_64-linux-gnu" ldd "$dir/pkg/usr/bin/iperf3" |
	sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) .*/\1/p')
for lib in $libs; do
	case "$lib" in
	"$dir"/pkg/*) dest="${lib#"$dir"/pkg}" ;;
	*) dest="$lib" ;;
	esac
	mkdir -p "$stage$(dirname "$dest")"
	cp -L "$lib" "$stage$dest"
done
# The loader where the binary asks for it.
mkdir -p "$stage/lib64"
cp -L /lib64/ld-linux-x86-64.so.2 "$stage/lib64/"
(cd "$stage" && find . | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0 | gzip -9 -n) > "$archive.tmp"
mv "$archive.tmp" "$archive"
echo "iperf3: $archive ($(wc -c < "$archive") bytes): $(echo $libs | wc -w) libraries"
