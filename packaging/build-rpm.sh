#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Usage: build-rpm.sh VERSION WORKDIR OUTPUT.rpm
# Builds the RPM with rpmbuild from WORKDIR/stage, the tree that
# `make install DESTDIR=WORKDIR/stage PREFIX=/usr SYSTEMDUNITDIR=/usr/lib/systemd/system ADMIN_GROUP=wheel NO_CDS=1`
# has just filled (the Makefile's `rpm` target does both), and packaging/rpm/multipass-java.spec.in.
# Reproducible like the .deb: the build time, the file times and the changelog's date are
# SOURCE_DATE_EPOCH, the build host is a fixed word, the payload is gzip (no time, no
# threads), every file is root's, and no brp script rewrites anything.
set -eu

version=$1 work=$2 out=$3
here=$(cd -P -- "$(dirname -- "$0")" && pwd -P)
case $work in /*) ;; *) work=$(pwd)/$work ;; esac
case $out in /*) ;; *) out=$(pwd)/$out ;; esac
stage=$work/stage
SOURCE_DATE_EPOCH=$(sh "$here/build/source-date-epoch.sh")
export SOURCE_DATE_EPOCH

gzip -9nf "$stage/usr/share/man/man1/multipass.1" "$stage/usr/share/man/man8/multipassd.8"
install -d -m 0755 "$stage/usr/share/doc/multipass-java" "$stage/usr/share/licenses/multipass-java"
install -m 0644 "$here/../README.md" "$stage/usr/share/doc/multipass-java/README.md"
install -m 0644 "$here/../LICENSE" "$stage/usr/share/licenses/multipass-java/LICENSE"
find "$stage" -type d -exec chmod 0755 {} +

date=$(LC_ALL=C date -u -d "@$SOURCE_DATE_EPOCH" '+%a %b %d %Y')
sed -e "s/@VERSION@/$version/g" -e "s/@CHANGELOG_DATE@/$date/" "$here/rpm/multipass-java.spec.in" >"$work/multipass-java.spec"

LC_ALL=C TZ=UTC rpmbuild -bb --nodeps --quiet \
    --define "_topdir $work/top" \
    --define "_rpmdir $work/out" \
    --define "_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm" \
    --define "stagedir $stage" \
    --define "_buildhost reproducible" \
    --define "use_source_date_epoch_as_buildtime 1" \
    --define "clamp_mtime_to_source_date_epoch 1" \
    --define "_binary_payload w9.gzdio" \
    --define "__os_install_post %{nil}" \
    --define "debug_package %{nil}" \
    --define "_unitdir /usr/lib/systemd/system" \
    "$work/multipass-java.spec"
mv -f -- "$work/out/multipass-java-$version-1.noarch.rpm" "$out"
