#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Builds build/multipass.jar like `make` does, for machines without make.
# Uses $JAVA_HOME/bin/{javac,java} when JAVA_HOME is set, else javac and java on PATH; the jar
# is reproducible like make's (packaging/build/ReproducibleJar.java, SOURCE_DATE_EPOCH).
# Always compiles everything (no incremental build).
set -eu
cd "$(dirname "$0")"

if [ -n "${JAVA_HOME:-}" ]; then
    JAVAC=$JAVA_HOME/bin/javac
    JAVA=$JAVA_HOME/bin/java
else
    JAVAC=javac
    JAVA=java
fi
SOURCE_DATE_EPOCH=$(sh packaging/build/source-date-epoch.sh)
# Keep in step with JAVAC_FLAGS in the Makefile.
# -XDstringConcat=inline: see the Makefile.
JAVAC_FLAGS="--release 17 -encoding UTF-8 -Xlint:all -Werror -XDstringConcat=inline"

mkdir -p build
find src -type f -name '*.java' | LC_ALL=C sort > build/sources.list
if [ ! -s build/sources.list ]; then
    echo "no Java sources under src/" >&2
    exit 1
fi
rm -rf build/classes build/classes.stamp build/multipass.jar
mkdir -p build/classes
set -x
# shellcheck disable=SC2086
"$JAVAC" $JAVAC_FLAGS -d build/classes @build/sources.list
sh .ci/copy-resources.sh src build/classes
"$JAVA" packaging/build/ReproducibleJar.java build/multipass.jar build/classes multipass.Main "$SOURCE_DATE_EPOCH"
