#!/bin/sh
# /sbin/tern-load-modules in tern's initramfs images: loads the modules in
# /etc/modules.load and, when running on Xen, the dom0 device modules in
# /etc/modules.xen, then mounts xenfs. Exit status 0 on Xen, 1 elsewhere.
while read -r ko; do
	insmod "$ko" || echo "TERN-INIT: insmod $ko failed"
done < /etc/modules.load
[ "$(cat /sys/hypervisor/type 2>/dev/null)" = xen ] || exit 1
while read -r ko; do
	# dom0 runs in Xen HVM mode, which Linux does not count as the initial
	# domain: without unrestricted=1 its privcmd would wait for a xenstore
	# "target" to restrict itself to (docs/design.md).
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
exit 0
