#!/bin/sh
# Fetches Debian's current amd64 kernel, unmodified, for dom0 tests and benches:
# resolves the real package behind the linux-image-amd64 metapackage
# (linux-image-6.1.0-NN-amd64), downloads it with apt-get download, unpacks it
# with dpkg -x under build/images/debian-kernel/, and copies the kernel to
# build/images/vmlinuz and its version to build/images/kernel-version.
#
# Idempotent: once build/images/vmlinuz and kernel-version exist it does nothing
# and touches no network. Remove build/images/debian-kernel/ to fetch anew.
# Runs `apt-get update` only when the package lists are missing or stale.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/build/images"
dir="$out/debian-kernel"

if [ -f "$out/vmlinuz" ] && [ -s "$out/kernel-version" ] && [ -d "$dir/lib/modules" ]; then
	exit 0
fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

# The package the metapackage points at today, e.g. linux-image-6.1.0-56-amd64.
resolve() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-amd64\)$/\1/p' | head -n 1
}

pkg=$(resolve)
if [ -z "$pkg" ]; then
	echo "debian-kernel: no package lists; running apt-get update"
	$sudo apt-get update -q
	pkg=$(resolve)
fi
if [ -z "$pkg" ]; then
	echo "debian-kernel: cannot resolve linux-image-amd64 to a kernel package" >&2
	exit 1
fi

rm -rf "$dir"
mkdir -p "$dir/deb"
cd "$dir/deb"
if ! apt-get download -q "$pkg"; then
	# Lists present but naming a version the mirror no longer has.
	echo "debian-kernel: download failed; running apt-get update and retrying"
	$sudo apt-get update -q
	pkg=$(resolve)
	apt-get download -q "$pkg"
fi
for deb in "$dir"/deb/"$pkg"_*.deb; do break; done
dpkg -x "$deb" "$dir"

# The kernel release string: the one directory under lib/modules.
version=""
for d in "$dir"/lib/modules/*; do
	[ -d "$d" ] && version=$(basename "$d")
done
if [ -z "$version" ] || [ ! -f "$dir/boot/vmlinuz-$version" ]; then
	echo "debian-kernel: $deb holds no boot/vmlinuz-<version>" >&2
	exit 1
fi
cp "$dir/boot/vmlinuz-$version" "$out/vmlinuz.tmp"
mv "$out/vmlinuz.tmp" "$out/vmlinuz"
echo "$version" > "$out/kernel-version"
echo "debian-kernel: $pkg ($(dpkg-deb -f "$deb" Version)) -> build/images/vmlinuz, version $version"
