#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Usage: systemd-root.sh
# Prints the path of a tarball holding a minimal Debian bookworm with systemd, D-Bus and a
# Java 17 runtime, for the systemd container test (test/multipass/system/SystemdContainerSystemTest).
# The tree is made once with debootstrap from the Debian mirror apt already uses and kept
# under /var/tmp, so that later runs (CI runs make test twice) unpack it in seconds. A
# tarball is written beside its final name and renamed, so an interrupted run leaves none.
set -eu

packages=systemd,systemd-sysv,dbus,openjdk-17-jre-headless
cache=${MULTIPASS_SYSTEMD_ROOT_CACHE:-/var/tmp/multipass-java-bookworm-systemd-v1.tar}
if [ -s "$cache" ]; then
    echo "$cache"
    exit 0
fi

mirror=$(sed -n 's/^URIs: *\(http[^ ]*debian\)\/*$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1)
if [ -z "$mirror" ]; then
    mirror=$(sed -n 's/^deb \(\[[^]]*\] \)\{0,1\}\(http[^ ]*\) bookworm .*/\2/p' /etc/apt/sources.list 2>/dev/null | head -n 1)
fi
[ -n "$mirror" ] || { echo "systemd-root.sh: no Debian mirror found in apt's sources" >&2; exit 1; }

tmp=$(mktemp -d /var/tmp/multipass-java-debootstrap.XXXXXXXXXX)
trap 'rm -rf -- "$tmp"' EXIT
debootstrap --variant=minbase --include="$packages" bookworm "$tmp/root" "$mirror" >"$tmp/log" 2>&1 \
    || { tail -n 20 "$tmp/log" >&2; echo "systemd-root.sh: debootstrap failed" >&2; exit 1; }
tar -C "$tmp/root" -cf "$cache.new" .
mv -f -- "$cache.new" "$cache"
echo "$cache"
