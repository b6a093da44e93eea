#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Prints the path of a JUnit 5 console launcher jar (junit-platform-console-standalone),
# obtaining one when missing. Used by `make test`; everything but the path goes to stderr.
#
# Order:
#   1. $JUNIT_JAR, if set;
#   2. Debian's junit5 package: /usr/share/java/junit-platform-console-standalone.jar
#      (Debian 12 ships launcher 1.9.1 / Jupiter 5.9.2);
#   3. as root with apt-get: install the junit5 package, then 2;
#   4. lib/junit-platform-console-standalone-$JUNIT_VERSION.jar, if already fetched;
#   5. with Maven: fetch that jar from Maven Central into lib/;
#   6. otherwise fail, saying what to install.
set -eu

JUNIT_VERSION=${JUNIT_VERSION:-1.11.4}
DEBIAN_JAR=/usr/share/java/junit-platform-console-standalone.jar
root=$(cd "$(dirname "$0")/.." && pwd)
LIB_JAR=$root/lib/junit-platform-console-standalone-$JUNIT_VERSION.jar

say() { echo "junit.sh: $*" >&2; }

if [ -n "${JUNIT_JAR:-}" ]; then
    if [ -f "$JUNIT_JAR" ]; then
        echo "$JUNIT_JAR"
        exit 0
    fi
    say "JUNIT_JAR=$JUNIT_JAR does not exist"
    exit 1
fi

if [ -f "$DEBIAN_JAR" ]; then
    echo "$DEBIAN_JAR"
    exit 0
fi

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing Debian package junit5 (JUnit console launcher)"
    export DEBIAN_FRONTEND=noninteractive
    # Try with the current package lists first; refresh them only if that fails.
    if ! apt-get install -y -q junit5 >/dev/null 2>&1; then
        apt-get update -q >/dev/null 2>&1 || say "apt-get update failed"
        apt-get install -y -qq junit5 >/dev/null || say "apt-get install junit5 failed"
    fi
    if [ -f "$DEBIAN_JAR" ]; then
        echo "$DEBIAN_JAR"
        exit 0
    fi
fi

if [ -f "$LIB_JAR" ]; then
    echo "$LIB_JAR"
    exit 0
fi

if command -v mvn >/dev/null 2>&1; then
    say "fetching org.junit.platform:junit-platform-console-standalone:$JUNIT_VERSION with Maven into lib/"
    mkdir -p "$root/lib"
    # Run outside the repo so no pom.xml there can interfere; mvn's stdout goes to stderr.
    if (cd "$root/lib" && mvn -B -q dependency:copy \
            -Dartifact="org.junit.platform:junit-platform-console-standalone:$JUNIT_VERSION" \
            -DoutputDirectory="$root/lib") >&2 && [ -f "$LIB_JAR" ]; then
        echo "$LIB_JAR"
        exit 0
    fi
    say "Maven could not fetch the JUnit console launcher"
fi

cat >&2 <<MSG
junit.sh: cannot find the JUnit 5 console launcher (junit-platform-console-standalone.jar).
Do one of:
  - sudo apt-get install junit5      (Debian/Ubuntu; puts it at $DEBIAN_JAR)
  - install Maven (mvn), and this script fetches version $JUNIT_VERSION into lib/
  - download it yourself and set JUNIT_JAR=/path/to/junit-platform-console-standalone.jar
MSG
exit 1
