#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Usage: build-deb.sh VERSION STAGING OUTPUT.deb
# Builds the Debian package with plain dpkg-deb (no debhelper) from a tree that
# `make install DESTDIR=STAGING PREFIX=/usr SYSTEMDUNITDIR=/lib/systemd/system NO_CDS=1`
# has just filled (the Makefile's `deb` target does both): compresses the manual pages and
# docs as Debian policy wants, adds the copyright, changelog and maintainer scripts, and
# lets dpkg-deb make every file root's.
set -eu

version=$1 root=$2 out=$3
here=$(cd -P -- "$(dirname -- "$0")" && pwd -P)
doc=$root/usr/share/doc/multipass-java

gzip -9nf "$root/usr/share/man/man1/multipass.1" "$root/usr/share/man/man8/multipassd.8"
install -d -m 0755 "$doc" "$root/DEBIAN"
install -m 0644 "$here/debian/copyright" "$doc/copyright"
date=$(date -R -u -d "@${SOURCE_DATE_EPOCH:-$(git -C "$here" log -1 --format=%ct 2>/dev/null || date +%s)}")
sed -e "s/@VERSION@/$version/" -e "s/@DATE@/$date/" "$here/debian/changelog.in" | gzip -9n >"$doc/changelog.gz"
gzip -9n <"$here/../README.md" >"$doc/README.md.gz"
chmod 0644 "$doc/changelog.gz" "$doc/README.md.gz"

size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@SIZE@/$size/" "$here/debian/control.in" >"$root/DEBIAN/control"
for script in postinst prerm postrm; do
    install -m 0755 "$here/debian/$script" "$root/DEBIAN/$script"
done
install -m 0644 "$here/debian/triggers" "$root/DEBIAN/triggers"
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum) >"$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/md5sums"
find "$root" -type d -exec chmod 0755 {} +

dpkg-deb --root-owner-group -Zxz --build "$root" "$out"
