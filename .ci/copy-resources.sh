#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Usage: copy-resources.sh SRC_DIR DEST_DIR
# Copies every non-Java file under SRC_DIR to the same relative path under DEST_DIR
# (resources that the code loads from the class path). Used by the Makefile and build.sh.
set -eu
src=$1 dest=$2
[ -d "$src" ] || exit 0
case $dest in /*) ;; *) dest=$(pwd)/$dest ;; esac
cd "$src"
find . -type f ! -name '*.java' | while IFS= read -r f; do
    mkdir -p "$dest/$(dirname "$f")"
    cp -p "$f" "$dest/$f"
done
