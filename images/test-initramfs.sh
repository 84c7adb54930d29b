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

# A module's path relative to $moddir (compression suffix included), from
# its name; '-' and '_' are the same in module names.
modregex() {
	echo "$1" | sed 's/[-_]/[-_]/g'
}
modpath() {
	grep -E "^([^:]*/)?$(modregex "$1")\.ko(\.[a-z]+)?:" "$moddir/modules.dep" |
		head -n 1 | sed 's/:.*$//'
}

# Depth-first: every module's dependencies before the module itself.
order=""
visit() {
	case " $order " in *" $1 "*) return 0 ;; esac
	deps=$(grep "^$1:" "$moddir/modules.dep" | sed 's/^[^:]*://')
	for d in $deps; do
		visit "$d"
	done
	order="$order $1"
}
for m in $MODULES; do
	if grep -Eq "(^|/)$(modregex "$m")\.ko$" "$moddir/modules.builtin"; then
		echo "test-initramfs: $m is built in"
		continue
	fi
	p=$(modpath "$m")
	if [ -z "$p" ]; then
		echo "test-initramfs: module $m not found in $version" >&2
		exit 1
	fi
	visit "$p"
done

rm -rf "$stage"
mkdir -p "$stage"
cd "$stage"
mkdir -p bin sbin etc proc sys dev tmp root mnt "lib/modules/$version"
cp "$bb" bin/busybox
ln -s busybox bin/sh

# Copies module $1 (a path below $moddir, maybe compressed) into the image,
# uncompressed, and appends its path in the image to the list file $2.
copy_module() {
	dst="lib/modules/$version/$(echo "$1" | sed 's/\.ko\..*$/.ko/')"
	mkdir -p "$(dirname "$dst")"
	case "$1" in
	*.ko) cp "$moddir/$1" "$dst" ;;
	*.ko.xz) xz -dc "$moddir/$1" > "$dst" ;;
	*.ko.zst) zstd -q -dc "$moddir/$1" > "$dst" ;;
	*.ko.gz) gzip -dc "$moddir/$1" > "$dst" ;;
	*) echo "test-initramfs: unknown module format $1" >&2; exit 1 ;;
	esac
	echo "/$dst" >> "$2"
}

: > etc/modules.load
for p in $order; do
	copy_module "$p" etc/modules.load
done

# ---- tern tools (issue 4): Xen dom0 devices -------------------------------
# The Debian kernel's modules for /dev/xen/{privcmd,evtchn,gntdev} and xenfs,
# listed in etc/modules.xen; /init loads them (and mounts xenfs on /proc/xen)
# only when /sys/hypervisor/type says xen. Built-in ones are skipped.
XEN_MODULES="xen-privcmd xen-evtchn xen-gntdev xenfs"
: > etc/modules.xen
for m in $XEN_MODULES; do
	if grep -Eq "(^|/)$(modregex "$m")\.ko$" "$moddir/modules.builtin"; then
		echo "test-initramfs: $m is built in"
		continue
	fi
	p=$(modpath "$m")
	if [ -z "$p" ]; then
		echo "test-initramfs: module $m not found in $version" >&2
		exit 1
	fi
	copy_module "$p" etc/modules.xen
done
# ---- end tern tools --------------------------------------------------------

cat > init <<'INIT'
#!/bin/sh
# tern test initramfs: bring up what a q35 disk and NIC need, say so, give a shell.
export PATH=/bin:/sbin
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
while read -r ko; do
	insmod "$ko" || echo "TERN-INIT: insmod $ko failed"
done < /etc/modules.load
# ---- tern tools (issue 4): Xen dom0 devices, only on Xen ----
if [ "$(cat /sys/hypervisor/type 2>/dev/null)" = xen ]; then
	while read -r ko; do
		# dom0 runs in Xen HVM mode, which Linux does not count as the initial
		# domain: its privcmd would wait for a xenstore "target" to restrict
		# itself to. unrestricted=1 makes it serve dom0's tools (docs/design.md).
		case "$ko" in
		*/xen-privcmd.ko) args="unrestricted=1" ;;
		*) args="" ;;
		esac
		# shellcheck disable=SC2086
		insmod "$ko" $args || echo "TERN-INIT: insmod $ko failed"
	done < /etc/modules.xen
	# Linux's xenbus creates /proc/xen only when it finds a xenstore; no
	# directory can be made in /proc, so mount xenfs elsewhere then.
	xenfs=/proc/xen
	[ -d "$xenfs" ] || { xenfs=/run/xenfs; mkdir -p "$xenfs"; }
	mount -t xenfs xenfs "$xenfs" || echo "TERN-INIT: mount xenfs failed"
fi
# ---- end tern tools ----
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
echo "test-initramfs: build/images/dom0-test.cpio.gz ($(wc -c < dom0-test.cpio.gz) bytes), kernel $version, modules:$(echo "$order" | sed 's,[^ ]*/,,g')"
