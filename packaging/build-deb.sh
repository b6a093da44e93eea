#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Usage: build-deb.sh VERSION STAGING OUTPUT.deb
# Builds the Debian package with plain dpkg-deb (no debhelper) from a tree that
# `make install DESTDIR=STAGING PREFIX=/usr SYSTEMDUNITDIR=/lib/systemd/system NO_CDS=1`
# has just filled (the Makefile's `deb` target does both): compresses the manual pages and
# docs as Debian policy wants, adds the copyright, changelog and maintainer scripts, and
# lets dpkg-deb make every file root's.
# Reproducible (README, "Reproducible builds"): every date is SOURCE_DATE_EPOCH (the
# Makefile exports it; else packaging/build/source-date-epoch.sh), every file's time is
# set to it, modes are explicit (umask plays no part), gzip stores no name or time, the size
# is the sum of file sizes (not of disk blocks), and dpkg-deb (1.18.11+) sorts the members,
# stamps the ar members with SOURCE_DATE_EPOCH and makes every file root:root.
set -eu

version=$1 root=$2 out=$3
here=$(cd -P -- "$(dirname -- "$0")" && pwd -P)
doc=$root/usr/share/doc/multipass-java

gzip -9nf "$root/usr/share/man/man1/multipass.1" "$root/usr/share/man/man8/multipassd.8"
install -d -m 0755 "$doc" "$root/DEBIAN"
install -m 0644 "$here/debian/copyright" "$doc/copyright"
SOURCE_DATE_EPOCH=$(sh "$here/build/source-date-epoch.sh")
export SOURCE_DATE_EPOCH
date=$(LC_ALL=C date -R -u -d "@$SOURCE_DATE_EPOCH")
sed -e "s/@VERSION@/$version/" -e "s/@DATE@/$date/" "$here/debian/changelog.in" | gzip -9n >"$doc/changelog.gz"
gzip -9n <"$here/../README.md" >"$doc/README.md.gz"
chmod 0644 "$doc/changelog.gz" "$doc/README.md.gz"

# Installed-Size as dpkg-gencontrol counts it: each file's size rounded up to KiB, plus 1 per directory.
size=$(find "$root" -path "$root/DEBIAN" -prune -o \( -type d -printf '1024\n' \) -o -printf '%s\n' \
    | awk '{ total += int(($1 + 1023) / 1024) } END { print total }')
sed -e "s/@VERSION@/$version/" -e "s/@SIZE@/$size/" "$here/debian/control.in" >"$root/DEBIAN/control"
for script in postinst prerm postrm; do
    install -m 0755 "$here/debian/$script" "$root/DEBIAN/$script"
done
install -m 0644 "$here/debian/triggers" "$root/DEBIAN/triggers"
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum) >"$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/md5sums"
find "$root" -type d -exec chmod 0755 {} +
find "$root" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

dpkg-deb --root-owner-group -Zxz --build "$root" "$out"
