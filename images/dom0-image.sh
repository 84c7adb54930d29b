#!/bin/sh
# Builds build/images/dom0.cpio.gz: the dom0 image `make images` and
# `make demo` boot with Debian's kernel (build/images/vmlinuz) on tern.
#
# A busybox initramfs holding:
#  - the Debian kernel's modules dom0 needs: disk and NIC for a QEMU q35
#    machine (as the test image), the Xen devices (xen-privcmd, loaded with
#    unrestricted=1 as docs/design.md explains, xen-evtchn, xen-gntdev, xenfs)
#    and bridge, tun and veth for guest networking;
#  - the tools from build/dist (xl, xenstored, xenconsoled, ...) and its
#    init scripts (/etc/init.d/xencommons, xendomains, xen-bridge link to
#    them);
#  - tern-blkback and tern-netback (started by xencommons), the hotplug
#    scripts /etc/xen/scripts/block and vif-bridge, and xen-bridge (started
#    first): xenbr0 with dom0's NIC (eth0) in it and dom0's address on it by
#    DHCP, as the Xen HOWTO sets a bridge up;
#  - a guest ready to start: /srv/xen/vmlinuz (the same Debian kernel),
#    /srv/xen/sample-disk.img (a partitioned disk image, ext4 on its first
#    partition, built by images/disk-image.sh without root privileges),
#    /srv/xen/domu.cpio.gz (a busybox initramfs that loads xen-blkfront and
#    ext4 and boots from root=/dev/xvda1, or without a root= stays in
#    itself; both load xen-netfront and ask DHCP for eth0's address) and /etc/xen/sample.cfg, so `xl create -c /etc/xen/sample.cfg`
#    works; either userspace prints "TERN-DOMU: userspace up" on hvc0 and
#    gives a shell there.
#    The guest files travel as a second archive appended to the first
#    (dom0-guest.cpio.gz); dom0-base.cpio.gz is the image without them.
# /init mounts the usual file systems, loads the modules, starts xencommons,
# prints "TERN-INIT: userspace up", runs /etc/rc.local if present, then a
# shell on the console. Appending another cpio archive to the image adds or
# replaces files (Linux unpacks both in order), e.g. /etc/rc.local or guests.
#
# Inputs are cached by images/debian-kernel.sh and images/test-initramfs.sh
# (busybox-static under build/images/busybox/).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/build/images"
dist="$root/build/dist"
kdir="$out/debian-kernel"
bbdir="$out/busybox"
stage="$out/dom0.stage"
dstage="$out/domu.stage"

MODULES="virtio_pci virtio_blk virtio_net libahci ahci sd_mod e1000e bridge tun veth loop dm-mod ext4 crc32c_generic"
# What the guest's initramfs loads to boot from its virtual disk.
DOMU_DISK_MODULES="xen-blkfront crc32c_generic ext4"
# And what it loads for its network interface, whatever its root.
DOMU_NET_MODULES="xen-netfront"
# The sample guest's disk, in MiB (a file in dom0's RAM).
SAMPLE_DISK_MIB=64
XEN_MODULES="xen-privcmd xen-evtchn xen-gntdev xenfs"

"$root/images/debian-kernel.sh"
[ -x "$bbdir/bin/busybox" ] || "$root/images/test-initramfs.sh"
version=$(cat "$out/kernel-version")
moddir="$kdir/lib/modules/$version"
bb="$bbdir/bin/busybox"
[ -s "$moddir/modules.dep" ] || "$bb" depmod -b "$kdir" "$version"
for t in sbin/xl sbin/xenstored sbin/xenconsoled sbin/tern-blkback sbin/tern-netback \
	libexec/tern/xencommons libexec/tern/xendomains libexec/tern/xen-bridge; do
	if [ ! -x "$dist/usr/$t" ]; then
		echo "dom0-image: $dist/usr/$t is missing (run make first)" >&2
		exit 1
	fi
done

prog=dom0-image
# shellcheck source=images/modules.sh
. "$root/images/modules.sh"

# A directory tree as a reproducible gzip'ed newc archive: cpio_gz dir file.
cpio_gz() {
	(cd "$1" && find . -exec touch -h -d @0 {} + &&
		find . | LC_ALL=C sort | cpio --quiet -o -H newc --reproducible -R 0:0 |
		gzip -9 -n) > "$2.tmp"
	mv "$2.tmp" "$2"
}

# ---- the guest's initramfs (busybox init on hvc0) --------------------------
rm -rf "$dstage"
mkdir -p "$dstage"
(
cd "$dstage"
# usr/bin and usr/sbin too: `busybox --install -s` links applets into all four.
mkdir -p bin sbin usr/bin usr/sbin etc/init.d proc sys dev tmp root run
cp "$bb" bin/busybox
ln -s busybox bin/sh
ln -s ../bin/busybox sbin/init
cat > etc/inittab <<'TAB'
::sysinit:/etc/init.d/rcS
hvc0::respawn:-/bin/sh
::ctrlaltdel:/bin/busybox reboot -f
::shutdown:/bin/sync
TAB
cat > etc/init.d/rcS <<'RCS'
#!/bin/sh
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
hostname "$(cat /proc/sys/kernel/hostname 2>/dev/null || echo domu)"
# Every SysRq, so `xl sysrq` can ask this test guest for its state.
echo 1 > /proc/sys/kernel/sysrq
if grep -q ' / ext4 ' /proc/mounts; then
	echo "TERN-DOMU: root file system on $(awk '$2 == "/" && $3 == "ext4" {print $1}' /proc/mounts)"
fi
echo "TERN-DOMU: userspace up"
# Only a guest whose timer interrupts arrive gets past a sleep.
(sleep 2 && echo "TERN-DOMU: timers work") &
# A vif (xen-netfront, loaded by /init): its address by DHCP from whatever
# serves the bridge it is in; the lease is printed as "TERN-NET: eth0 ...".
if [ -d /sys/class/net/eth0 ]; then
	ip link set dev eth0 up
	udhcpc -i eth0 -s /usr/share/udhcpc/default.script -b -t 5 -T 2 -p /run/udhcpc.eth0.pid \
		>/dev/null 2>&1 &
fi
RCS
chmod 755 etc/init.d/rcS
mkdir -p usr/share/udhcpc
cp "$root/images/udhcpc.script" usr/share/udhcpc/default.script
# The kernel answers control/shutdown = poweroff by running /sbin/poweroff
# (orderly_poweroff); halt the machine without waiting on init's signals.
cat > sbin/poweroff <<'OFF'
#!/bin/sh
sync
mount -o remount,ro / 2>/dev/null
exec /bin/busybox poweroff -f
OFF
chmod 755 sbin/poweroff
)
mkdir -p "$out"
# bench/blk's measuring program, the same in the guest as in dom0.
if [ -x "$dist/usr/lib/tern/tests/blkbench" ]; then
	cp "$dist/usr/lib/tern/tests/blkbench" "$dstage/usr/bin/blkbench"
fi
# The same userspace on the sample disk (before the initramfs's own parts).
"$root/images/disk-image.sh" "$dstage" "$out/sample-disk.img" "$SAMPLE_DISK_MIB"
(
cd "$dstage"
listed=""
add_modules "$DOMU_DISK_MODULES" etc/modules.disk
add_modules "$DOMU_NET_MODULES" etc/modules.net
cat > init <<'INIT'
#!/bin/sh
# The sample guest's first process. With root=/dev/... on the command line
# it loads xen-blkfront and ext4, waits for the disk and boots from it;
# without, this initramfs's own userspace runs.
bb=/bin/busybox
$bb mount -t proc proc /proc
while read -r ko; do $bb insmod "$ko"; done < /etc/modules.net
root=""
for arg in $($bb cat /proc/cmdline); do
	case "$arg" in root=*) root="${arg#root=}" ;; esac
done
case "$root" in
/dev/*)
	$bb mount -t devtmpfs devtmpfs /dev
	while read -r ko; do $bb insmod "$ko"; done < /etc/modules.disk
	i=0
	while [ ! -b "$root" ] && [ $i -lt 600 ]; do
		$bb sleep 0.1
		i=$((i + 1))
	done
	$bb mkdir -p /newroot
	if $bb mount -t ext4 "$root" /newroot; then
		$bb umount /dev
		$bb umount /proc
		exec $bb switch_root /newroot /sbin/init
	fi
	echo "TERN-DOMU: cannot mount $root: staying in the initramfs"
	$bb umount /dev
	;;
esac
$bb umount /proc
exec $bb init
INIT
chmod 755 init
)
cpio_gz "$dstage" "$out/domu.cpio.gz"
rm -rf "$dstage"
listed=""

# ---- dom0 -------------------------------------------------------------------
rm -rf "$stage"
mkdir -p "$stage"
cd "$stage"
mkdir -p bin sbin etc/init.d etc/xen etc/default proc sys dev tmp root mnt run \
	var/log/xen/console var/lib/xenstored var/lock srv/xen "lib/modules/$version"
cp "$bb" bin/busybox
ln -s busybox bin/sh
listed=""
add_modules "$MODULES" etc/modules.load
add_modules "$XEN_MODULES" etc/modules.xen
cp "$root/images/load-modules.sh" sbin/tern-load-modules
cp -a "$dist/." .
# The init scripts come with build/dist, as in the tern-utils package.
ln -s /usr/libexec/tern/xencommons etc/init.d/xencommons
ln -s /usr/libexec/tern/xendomains etc/init.d/xendomains
ln -s /usr/libexec/tern/xen-bridge etc/init.d/xen-bridge
mkdir -p usr/share/udhcpc
cp "$root/images/udhcpc.script" usr/share/udhcpc/default.script
# LVM, for phy: disks on logical volumes: Debian's lvm2 (from
# scripts/debian-packages.txt), a dynamic program, with its libraries.
lvm=$(command -v lvm || true)
[ -n "$lvm" ] || { [ -x /sbin/lvm ] && lvm=/sbin/lvm; }
if [ -n "$lvm" ]; then
	cp "$lvm" sbin/lvm
	for lib in $(ldd "$lvm" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}'); do
		mkdir -p ".$(dirname "$lib")"
		cp -L "$lib" ".$lib"
	done
	for t in pvcreate vgcreate lvcreate lvremove vgremove pvremove pvs vgs lvs vgchange; do
		ln -s lvm "sbin/$t"
	done
	mkdir -p etc/lvm
	cat > etc/lvm/lvm.conf <<'CONF'
# tern's dom0 runs no udev: LVM makes its /dev nodes itself.
activation {
	udev_sync = 0
	udev_rules = 0
}
devices {
	obtain_device_list_from_udev = 0
}
CONF
else
	echo "dom0-image: lvm not found (lvm2 package): dom0 gets no LVM" >&2
fi
cat > etc/xen/sample.cfg <<'CFG'
# A small PVH guest: Debian's kernel, booting from its virtual disk (a
# partitioned image in a file, ext4 on xvda1) with a busybox shell on the PV
# console. Start it with `xl create -c /etc/xen/sample.cfg`; leave the
# console with Ctrl-] and come back with `xl console sample`. What it
# writes under / is still there when it is created again.
name = "sample"
type = "pvh"
kernel = "/srv/xen/vmlinuz"
ramdisk = "/srv/xen/domu.cpio.gz"
disk = [ 'file:/srv/xen/sample-disk.img,xvda,w' ]
# A network interface in dom0's bridge (xenbr0 holds dom0's NIC): the guest
# asks DHCP for its address. In dom0 it is vif<domid>.0.
vif = [ 'bridge=xenbr0' ]
root = "/dev/xvda1"
extra = "console=hvc0"
memory = 128
vcpus = 1
on_poweroff = "destroy"
on_reboot = "restart"
on_crash = "destroy"
CFG
cat > etc/default/xencommons <<'DEF'
# Options for /etc/init.d/xencommons (see the script).
XENCONSOLED_TRACE=guest
DEF
cat > etc/default/xen-bridge <<'DEF'
# dom0's bridge for guests (/etc/init.d/xen-bridge): its name, the NICs in
# it, and dom0's address on it ("dhcp", "none", or e.g. 192.168.1.2/24 with
# BRIDGE_GATEWAY=192.168.1.1).
BRIDGE=xenbr0
BRIDGE_PORTS=eth0
BRIDGE_ADDRESS=dhcp
DEF
cat > etc/default/xendomains <<'DEF'
# Guests /etc/init.d/xendomains starts: names of configs in /etc/xen.
XENDOMAINS=""
DEF

cat > init <<'INIT'
#!/bin/sh
# tern dom0: file systems, modules, the Xen devices, xencommons, a shell.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /dev/shm
hostname dom0
if /sbin/tern-load-modules; then
	/etc/init.d/xen-bridge start || echo "TERN-INIT: xen-bridge failed"
	/etc/init.d/xencommons start || echo "TERN-INIT: xencommons failed"
	/etc/init.d/xendomains start || echo "TERN-INIT: xendomains failed"
else
	echo "TERN-INIT: not on Xen: xencommons not started"
fi
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
cd "$out"
cpio_gz "$stage" "$out/dom0-base.cpio.gz"
rm -rf "$stage"

# The sample guest's kernel and initramfs as a second archive, appended:
# dom0.cpio.gz = dom0-base.cpio.gz + this (the base alone is a dom0 without
# guest files, small enough for any boot loader's module placement).
mkdir -p "$stage/srv/xen"
cp "$out/vmlinuz" "$stage/srv/xen/vmlinuz"
cp "$out/domu.cpio.gz" "$stage/srv/xen/domu.cpio.gz"
cp --sparse=always "$out/sample-disk.img" "$stage/srv/xen/sample-disk.img"
cpio_gz "$stage" "$out/dom0-guest.cpio.gz"
rm -rf "$stage"
cat "$out/dom0-base.cpio.gz" "$out/dom0-guest.cpio.gz" > "$out/dom0.cpio.gz.tmp"
mv "$out/dom0.cpio.gz.tmp" "$out/dom0.cpio.gz"
echo "dom0-image: build/images/dom0.cpio.gz ($(wc -c < dom0.cpio.gz) bytes) =" \
	"dom0-base.cpio.gz ($(wc -c < dom0-base.cpio.gz)) + dom0-guest.cpio.gz" \
	"($(wc -c < dom0-guest.cpio.gz)); kernel $version"
