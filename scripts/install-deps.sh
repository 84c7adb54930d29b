#!/bin/sh
# Installs every Debian package listed in scripts/debian-packages.txt that is
# not installed yet. Idempotent: with everything present it changes nothing and
# does not touch the network.
set -eu
list="$(dirname "$0")/debian-packages.txt"
missing=""
for pkg in $(grep -v '^[[:space:]]*#' "$list" | tr -s '[:space:]' ' '); do
	if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed'; then
		missing="$missing $pkg"
	fi
done
[ -z "$missing" ] && exit 0
echo "install-deps: installing:$missing"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
# A mirror caught mid-sync fails one index (seen: bookworm-security's i386
# list); the install below still finds the packages, or says which it cannot.
$sudo apt-get update -q || echo "install-deps: apt-get update failed in part; installing anyway"
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing
