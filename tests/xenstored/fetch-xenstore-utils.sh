#!/bin/sh
# Puts Debian's xenstore-utils (and the libraries they load) under $1
# (default build/xenstore-utils), extracted with dpkg -x, not installed.
# Cached: does nothing when the tools are already there.
set -eu
dest="${1:-build/xenstore-utils}"
[ -x "$dest/usr/bin/xenstore-read" ] && exit 0
pkgs="xenstore-utils libxenstore4 libxentoolcore1"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
# apt-get download needs current package lists; refresh them once if it fails.
if ! apt-get download $pkgs >/dev/null 2>&1; then
	apt-get update -q >/dev/null
	apt-get download $pkgs
fi
cd - >/dev/null
mkdir -p "$dest"
for deb in "$work"/*.deb; do
	dpkg -x "$deb" "$dest"
done
test -x "$dest/usr/bin/xenstore-read"
