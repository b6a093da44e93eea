#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Prints the time every build artefact is stamped with (seconds since 1970, UTC), so that two
# builds of one commit are bit-identical (https://reproducible-builds.org/specs/source-date-epoch/):
# SOURCE_DATE_EPOCH when set; else, in a git checkout, the last commit's time; else (a
# source tarball) the date kept in packaging/build/source-date-epoch, which a release updates.
# git runs with safe.directory set to this tree, so a build by another user than the
# checkout's owner (root building a user's clone) still reads the commit's time.
set -eu

if [ -n "${SOURCE_DATE_EPOCH:-}" ]; then
    echo "$SOURCE_DATE_EPOCH"
    exit 0
fi
here=$(cd -P -- "$(dirname -- "$0")" && pwd -P)
top=${here%/packaging/build}
if [ -e "$top/.git" ] && command -v git >/dev/null 2>&1 \
    && epoch=$(git -c safe.directory="$top" -C "$top" log -1 --format=%ct 2>/dev/null) && [ -n "$epoch" ]; then
    echo "$epoch"
else
    sed -n "s/^\([0-9][0-9]*\)$/\1/p" "$here/source-date-epoch" | head -n 1
fi
