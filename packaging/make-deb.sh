#!/bin/sh
# Makes build/deb/tern-hypervisor_<v>_amd64.deb and tern-utils_<v>_amd64.deb
# from the trees `make install-hypervisor` and `make install-tools` filled
# (OUT/tern-hypervisor, OUT/tern-utils); `make deb` runs it. Adds what Debian
# wants in every package (copyright, changelog, md5sums, conffiles: every
# file under /etc, stripped programs), the control file, the maintainer
# scripts and lintian overrides from packaging/<package>.<what>, then
# dpkg-deb. Files are owned by root.
# Usage: make-deb.sh TERN_VERSION OUT
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tern_version=$1 out=$2
# 0.1-dev -> 0.1~dev: a pre-release sorts before the release.
version=$(echo "$tern_version" | tr - '~')
# Dates from the last commit, so the same tree makes the same packages.
epoch=$(git -C "$here" log -1 --format=%ct 2>/dev/null || date +%s)
date=$(date -u -R -d "@$epoch")
maintainer="tern developers <dev@tern.invalid>"

describe_tern_hypervisor() {
	cat <<DESC
Depends: grub-common
Recommends: tern-utils
Section: kernel
Description: tern hypervisor, booted by GRUB as Xen is
 tern is a small type-1 hypervisor for x86_64 machines with AMD-V and
 nested paging that implements the Xen guest ABI: an unmodified Linux runs
 as its privileged domain (dom0) and unmodified Linux kernels run as PVH
 guests.
 .
 This package installs the hypervisor as /boot/tern-$tern_version.gz and a
 GRUB generator: update-grub then offers entries that boot tern with each
 installed Linux kernel as dom0. tern's options come from
 GRUB_CMDLINE_TERN_DEFAULT in /etc/default/grub.
DESC
}

describe_tern_utils() {
	cat <<DESC
Depends: kmod
Recommends: tern-hypervisor
Suggests: xenstore-utils
Conflicts: xen-utils-common
Section: admin
Description: tern dom0 tools: xl, xenstored, xenconsoled and services
 tern is a small type-1 hypervisor for x86_64 machines that implements the
 Xen guest ABI. This package holds what its dom0 runs: xl (Xen's commands
 and xl.cfg syntax), xenstored, xenconsoled, and systemd units that load the
 Xen modules, start the daemons, and create the guests in /etc/xen/auto at
 boot and shut them down when the host shuts down. On a kernel that is not
 running on tern the services say so and stay off.
DESC
}

build() {
	pkg=$1
	root="$out/$pkg"
	doc="$root/usr/share/doc/$pkg"
	mkdir -p "$doc" "$root/DEBIAN"
	cp "$here/copyright" "$doc/copyright"
	printf '%s (%s) unstable; urgency=medium\n\n  * Built from the tern tree.\n\n -- %s  %s\n' \
		"$pkg" "$version" "$maintainer" "$date" | gzip -9 -n > "$doc/changelog.gz"
	# Debian ships programs stripped (build/dist keeps the symbols).
	find "$root" -type f -perm -u+x -exec sh -c \
		'head -c 4 "$1" | grep -q ELF && strip --strip-unneeded -R .comment "$1"' sh {} \;
	if [ -f "$here/$pkg.lintian-overrides" ]; then
		install -D -m 644 "$here/$pkg.lintian-overrides" "$root/usr/share/lintian/overrides/$pkg"
	fi
	for s in postinst prerm postrm; do
		if [ -f "$here/$pkg.$s" ]; then
			install -m 755 "$here/$pkg.$s" "$root/DEBIAN/$s"
		fi
	done
	(cd "$root" && find etc -type f 2>/dev/null | LC_ALL=C sort | sed 's|^|/|') > "$root/DEBIAN/conffiles"
	[ -s "$root/DEBIAN/conffiles" ] || rm "$root/DEBIAN/conffiles"
	(cd "$root" && find . -path ./DEBIAN -prune -o -type f -print | LC_ALL=C sort |
		sed 's|^\./||' | xargs md5sum) > "$root/DEBIAN/md5sums"
	size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
	{
		echo "Package: $pkg"
		echo "Version: $version"
		echo "Architecture: amd64"
		echo "Maintainer: $maintainer"
		echo "Installed-Size: $size"
		echo "Priority: optional"
		"describe_$(echo "$pkg" | tr - _)"
	} > "$root/DEBIAN/control"
	find "$root" -exec touch -h -d "@$epoch" {} +
	dpkg-deb --root-owner-group -Zxz --build "$root" "$out/${pkg}_${version}_amd64.deb" >/dev/null
	echo "make-deb: $out/${pkg}_${version}_amd64.deb"
}

build tern-hypervisor
build tern-utils
