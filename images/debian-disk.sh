#!/bin/sh
# Builds build/images/debian-disk.img: a BIOS-bootable Debian 12 disk with
# tern installed from its packages, for tests/system/test_debian_install.py.
# Needs root (a loop device and chroot; the rootfs itself is built without).
#
# 1. A Debian 12 root file system (mmdebstrap --mode=unshare, variant
#    minbase + images/debian-rootfs.list) from the archive apt uses on this
#    machine (its Debian sources files), cached as
#    build/images/debian-rootfs-<key>.tar, key = hash of the list, the
#    sources and the mmdebstrap options.
# 2. A disk image with one ext4 partition at 1 MiB holding it, mounted
#    through a loop device. GRUB's tools would see through a loop device to
#    its image file and give up (10_linux skips loop devices outright), so
#    the file system is mounted from a block node of another name,
#    /dev/tern-PID-root (the loop device's numbers), and the chroot gets
#    /proc and a /dev with that node and its /dev/disk/by-uuid link, but no
#    /sys: to grub-probe and the generators it is a disk like any other.
#    In that chroot:
#    - GRUB for BIOS as grub-install would put it: modules in
#      /boot/grub/i386-pc and a core.img made by the system's grub-mkimage;
#    - /etc/default/grub from GRUB's template (grub-pc's postinst does the
#      same), plus what a serial-console machine sets: serial terminal,
#      tern's and dom0's options; fstab; autologin on ttyS0 for the test;
#      guest console logs on;
#    - update-grub (the Debian menu), then `apt-get install ./*.deb` of
#      build/deb's packages, whose postinst runs update-grub again: the
#      "with tern" entries come from the package's own generator;
#    - a guest for xendomains: /etc/xen/auto/sample.cfg, the image's own
#      Debian kernel and the busybox initramfs build/images/domu.cpio.gz.
# 3. GRUB's boot.img in the MBR (its first 440 bytes: the partition table
#    stays) and core.img in the sectors after it, as grub-bios-setup would.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/build/images"
image="$out/debian-disk.img"
list="$root/images/debian-rootfs.list"
debs=$(ls "$root"/build/deb/tern-hypervisor_*.deb "$root"/build/deb/tern-utils_*.deb)
domu="$out/domu.cpio.gz"
size=3G
part_start=1048576
mmdebstrap_opts="--mode=unshare --variant=minbase --format=tar"
[ -s "$domu" ] || { echo "debian-disk: $domu is missing (make images)" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "debian-disk: needs root (loop device, chroot)" >&2; exit 1; }

# ---- 1. the cached root file system -------------------------------------------
# The Debian sources apt uses here (one-line or deb822 files).
sources=""
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
	[ -s "$f" ] && grep -qs '^[^#]*debian' "$f" && sources="$sources $f"
done
[ -n "$sources" ] || { echo "debian-disk: no Debian sources in /etc/apt" >&2; exit 1; }
packages=$(grep -v '^[[:space:]]*#' "$list" | tr -s '[:space:]' ',' | sed 's/^,//; s/,$//')
# shellcheck disable=SC2086
key=$( (echo "$packages $mmdebstrap_opts"; cat $sources) | sha256sum | cut -c1-16)
rootfs="$out/debian-rootfs-$key.tar"
if [ ! -s "$rootfs" ]; then
	echo "debian-disk: building the Debian root file system ($rootfs)"
	rm -f "$out"/debian-rootfs-*.tar
	# shellcheck disable=SC2086
	mmdebstrap $mmdebstrap_opts --include="$packages" bookworm "$rootfs.tmp" $sources
	mv "$rootfs.tmp" "$rootfs"
fi

# ---- 2. the disk, its file system, and the system on it ----------------------
tmp="$image.tmp"
mnt="$out/debian-disk.mnt"
loop=""
node="/dev/tern-$$-root"
cleanup() {
	for m in dev/pts dev proc run; do
		mountpoint -q "$mnt/$m" 2>/dev/null && umount "$mnt/$m"
	done
	mountpoint -q "$mnt" 2>/dev/null && umount "$mnt"
	rm -f "$node"
	[ -n "$loop" ] && losetup -d "$loop"
	rmdir "$mnt" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 1' INT TERM
rm -f "$tmp"
truncate -s "$size" "$tmp"
echo "start=$((part_start / 512)), type=83, bootable" | sfdisk -q "$tmp"
uuid=$(cat /proc/sys/kernel/random/uuid)
fs_bytes=$(( $(stat -c %s "$tmp") - part_start ))
mkfs.ext4 -q -F -U "$uuid" -L debian -E offset=$part_start "$tmp" "$((fs_bytes / 1024))k"
loop=$(losetup --find --show --offset "$part_start" --sizelimit "$fs_bytes" "$tmp")
major=$((0x$(stat -c %t "$loop"))) minor=$((0x$(stat -c %T "$loop")))
mknod -m 600 "$node" b "$major" "$minor"
mkdir -p "$mnt"
mount "$node" "$mnt"
tar -C "$mnt" --numeric-owner -xpf "$rootfs"

mount -t proc proc "$mnt/proc"
mount -t tmpfs tmpfs "$mnt/run"
mount -t tmpfs -o mode=755 tmpfs "$mnt/dev"
for dev in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0; do
	mknod -m 666 "$mnt/dev/${dev%%:*}" c "$(echo "$dev" | cut -d: -f2)" "${dev##*:}"
done
mknod -m 600 "$mnt$node" b "$major" "$minor"
mkdir -p "$mnt/dev/disk/by-uuid" "$mnt/dev/pts"
ln -s "../../$(basename "$node")" "$mnt/dev/disk/by-uuid/$uuid"
mount -t devpts -o newinstance,ptmxmode=0666 devpts "$mnt/dev/pts"
ln -s pts/ptmx "$mnt/dev/ptmx"
in_root() {
	chroot "$mnt" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
		DEBIAN_FRONTEND=noninteractive "$@"
}

# GRUB for BIOS, as grub-install places it on an MBR disk.
in_root sh -ec '
	mkdir -p /boot/grub/i386-pc
	cp /usr/lib/grub/i386-pc/*.mod /usr/lib/grub/i386-pc/*.lst /boot/grub/i386-pc/
	grub-mkimage -O i386-pc -o /boot/grub/i386-pc/core.img -p "(hd0,msdos1)/boot/grub" \
		biosdisk part_msdos ext2'

# What an administrator of a serial-console machine sets.
[ -f "$mnt/etc/default/grub" ] || cp "$mnt/usr/share/grub/default/grub" "$mnt/etc/default/grub"
cat >> "$mnt/etc/default/grub" <<GRUB

# Set by images/debian-disk.sh: the test drives GRUB's menu on the serial
# line, so the menu waits for its keys however slow the machine is.
GRUB_TIMEOUT=-1
GRUB_TERMINAL=serial
GRUB_SERIAL_COMMAND="serial --unit=0 --speed=115200"
GRUB_CMDLINE_LINUX="console=ttyS0,115200"
GRUB_CMDLINE_LINUX_DEFAULT=""
GRUB_CMDLINE_TERN_DEFAULT="dom0_mem=1G dom0_max_vcpus=1 dom0_vcpus_pin console=com1 com1=115200,8n1"
GRUB
echo "UUID=$uuid / ext4 errors=remount-ro 0 1" > "$mnt/etc/fstab"
echo tern-dom0 > "$mnt/etc/hostname"
mkdir -p "$mnt/etc/systemd/system/serial-getty@ttyS0.service.d"
cat > "$mnt/etc/systemd/system/serial-getty@ttyS0.service.d/autologin.conf" <<'GETTY'
[Service]
ExecStart=
ExecStart=-/sbin/agetty --autologin root --noclear --keep-baud 115200,57600,38400,9600 %I $TERM
GETTY
in_root update-grub

mkdir -p "$mnt/tmp/tern-debs"
# shellcheck disable=SC2086
cp $debs "$mnt/tmp/tern-debs/"
in_root sh -ec 'apt-get install -y -q --no-install-recommends /tmp/tern-debs/*.deb'
rm -rf "$mnt/tmp/tern-debs"
grep -q "with tern" "$mnt/boot/grub/grub.cfg" ||
	{ echo "debian-disk: update-grub made no tern entry" >&2; exit 1; }
sed -i 's/^XENCONSOLED_TRACE=.*/XENCONSOLED_TRACE=guest/' "$mnt/etc/default/xencommons"

# The guest xendomains starts at boot.
mkdir -p "$mnt/srv/xen"
cp "$(ls "$mnt"/boot/vmlinuz-* | tail -n 1)" "$mnt/srv/xen/vmlinuz"
cp "$domu" "$mnt/srv/xen/domu.cpio.gz"
cat > "$mnt/etc/xen/auto/sample.cfg" <<'CFG'
name = "sample"
type = "pvh"
kernel = "/srv/xen/vmlinuz"
ramdisk = "/srv/xen/domu.cpio.gz"
extra = "console=hvc0"
memory = 128
vcpus = 1
on_poweroff = "destroy"
on_reboot = "restart"
on_crash = "destroy"
CFG

cp "$mnt/boot/grub/i386-pc/core.img" "$out/debian-disk.core.img"
# The menu as update-grub wrote it: the test finds its entries' order here.
cp "$mnt/boot/grub/grub.cfg" "$out/debian-disk.grub.cfg"
cleanup
trap - EXIT

# ---- 3. GRUB's boot sector and core image ---------------------------------------
core_sectors=$(( ($(stat -c %s "$out/debian-disk.core.img") + 511) / 512 ))
[ "$core_sectors" -lt $((part_start / 512 - 1)) ] || { echo "debian-disk: core.img too big" >&2; exit 1; }
tar -xOf "$rootfs" ./usr/lib/grub/i386-pc/boot.img | dd of="$tmp" bs=440 count=1 conv=notrunc status=none
dd if="$out/debian-disk.core.img" of="$tmp" bs=512 seek=1 conv=notrunc status=none
rm -f "$out/debian-disk.core.img"
mv "$tmp" "$image"
echo "debian-disk: $image (root file system UUID $uuid)"
