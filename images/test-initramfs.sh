#!/bin/sh
# Builds build/images/dom0-test.cpio.gz: a small busybox initramfs for booting
# Debian's kernel (images/debian-kernel.sh) as dom0 in tests and benches.
#
# Its /init mounts proc, sys and devtmpfs, insmods (in dependency order) the
# Debian modules a QEMU q35 machine needs for a disk and a NIC (virtio-pci,
# virtio-blk, virtio-net, AHCI + sd_mod, e1000e; this kernel builds all of them
# as modules), prints the marker line `TERN-INIT: userspace up` on the console,
# runs /etc/rc.local if present, then a shell on the console.
#
# busybox comes from Debian's busybox-static package, fetched with apt-get
# download and unpacked under build/images/busybox/ (installing it would replace
# a host's busybox package). Modules are taken from the unpacked kernel package;
# compressed ones (.ko.xz, .ko.zst) are decompressed here, so /init needs no
# decompressor. Idempotent: rebuilds the archive from the cached inputs.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/build/images"
kdir="$out/debian-kernel"
bbdir="$out/busybox"
stage="$out/initramfs.stage"

# Drivers /init loads; their dependencies are added from modules.dep.
MODULES="virtio_pci virtio_blk virtio_net libahci ahci sd_mod e1000e"

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

"$root/images/debian-kernel.sh"
version=$(cat "$out/kernel-version")
moddir="$kdir/lib/modules/$version"

# busybox-static, unpacked once.
if [ ! -x "$bbdir/bin/busybox" ]; then
	rm -rf "$bbdir"
	mkdir -p "$bbdir/deb"
	if ! (cd "$bbdir/deb" && apt-get download -q busybox-static); then
		echo "test-initramfs: download failed; running apt-get update and retrying"
		$sudo apt-get update -q
		(cd "$bbdir/deb" && apt-get download -q busybox-static)
	fi
	for deb in "$bbdir"/deb/busybox-static_*.deb; do break; done
	dpkg -x "$deb" "$bbdir"
fi
bb="$bbdir/bin/busybox"

# The Debian package ships no modules.dep (depmod runs at install time):
# generate one with busybox's depmod in the unpacked tree.
if [ ! -s "$moddir/modules.dep" ]; then
	"$bb" depmod -b "$kdir" "$version"
fi

prog=test-initramfs
# shellcheck source=images/modules.sh
. "$root/images/modules.sh"

rm -rf "$stage"
mkdir -p "$stage"
cd "$stage"
mkdir -p bin sbin etc proc sys dev tmp root mnt "lib/modules/$version"
cp "$bb" bin/busybox
ln -s busybox bin/sh

add_modules "$MODULES" etc/modules.load
# The Debian kernel's modules for /dev/xen/{privcmd,evtchn,gntdev} and xenfs;
# /sbin/tern-load-modules loads them only when /sys/hypervisor/type says xen.
add_modules "xen-privcmd xen-evtchn xen-gntdev xenfs" etc/modules.xen
cp "$root/images/load-modules.sh" sbin/tern-load-modules

cat > init <<'INIT'
#!/bin/sh
# tern test initramfs: bring up what a q35 disk and NIC need, say so, give a shell.
export PATH=/bin:/sbin
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
/sbin/tern-load-modules || true
echo "TERN-INIT: userspace up"
if [ -f /etc/rc.local ]; then
	sh /etc/rc.local
fi
while true; do
	setsid cttyhack sh
	echo "TERN-INIT: shell exited; starting another"
done
INIT
chmod 755 init

find . -exec touch -h -d @0 {} +
find . | LC_ALL=C sort | cpio --quiet -o -H newc --reproducible -R 0:0 | gzip -9 -n > "$out/dom0-test.cpio.gz.tmp"
mv "$out/dom0-test.cpio.gz.tmp" "$out/dom0-test.cpio.gz"
cd "$out"
rm -rf "$stage"
echo "test-initramfs: build/images/dom0-test.cpio.gz ($(wc -c < dom0-test.cpio.gz) bytes), kernel $version, modules:$(echo "$listed" | sed 's,[^ ]*/,,g')"
