#!/bin/sh
# images/disk-image.sh ROOTDIR OUT.img SIZE_MIB [LABEL]
# A bootable partitioned disk image whose first partition holds an ext4
# file system with ROOTDIR's files, made without root privileges: sfdisk
# writes a DOS partition table into a plain file, mkfs.ext4 -d fills a
# file system image from the directory, and dd puts it at the partition's
# offset (1 MiB). The result is sparse where the file system is empty.
set -eu
rootdir="$1"
out="$2"
size_mib="$3"
label="${4:-tern-root}"
PATH="$PATH:/sbin:/usr/sbin"
part="$out.part"

rm -f "$out" "$part"
truncate -s "${size_mib}M" "$out"
# One Linux partition from 1 MiB (sector 2048) to the end.
printf 'label: dos\nstart=2048, type=83\n' | sfdisk -q "$out"
truncate -s "$((size_mib - 1))M" "$part"
mkfs.ext4 -q -F -L "$label" -d "$rootdir" -E root_owner=0:0 "$part"
dd if="$part" of="$out" bs=1M seek=1 conv=notrunc,sparse status=none
rm -f "$part"
