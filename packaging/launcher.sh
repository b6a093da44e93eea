#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Launcher of multipass-java, installed by `make install` twice from this one template:
# as bin/multipass (ROLE client) and as sbin/multipassd (ROLE daemon).
#
# It finds a Java 17+ runtime ($JAVA_HOME, else `java` on PATH) and execs it on the jar, so
# that signals reach the JVM directly and the JVM's exit status is the command's. The jar and
# the class-data-sharing archive are found relative to the launcher (PREFIX/share/multipass,
# PREFIX/lib/multipass), so an installed tree can be moved, or staged under DESTDIR, and run.
#
# The client gets the two flags that measurably shorten its start (README, "Installing"):
# the C1 compiler only, and the static AppCDS archive that make-cds-archive made at install
# time, if any (it replaces the JDK's own archive: it holds the JDK's classes that a command
# loads as well as ours). A stale or foreign archive is ignored silently by the JVM (-Xshare:auto, cds
# logging off). HotSpot flags are passed only to a HotSpot JVM. (Measured and left out:
# -XX:+UseSerialGC, slower on JDK 17, whose default CDS archive's heap objects need G1;
# -XX:-UsePerfData and -Xss512k, no effect.)
# The daemon gets what a system daemon should have (docs/performance.md, "Scale"): a bounded
# heap that holds 100,000 trusted certificates and 10,000 instances with 1,024 connections
# open, and the Serial collector, which gives memory back to the OS after a full collection
# (MaxHeapFreeRatio) and costs less native memory than G1 at this size.
# MULTIPASS_JAVA_OPTS (client) and MULTIPASSD_JAVA_OPTS (daemon) add options after ours
# (a later -Xmx wins).
# Exit status 127: no usable Java runtime (the message says why).
set -eu

role=@ROLE@

die() {
    printf '%s: %s\n' "${0##*/}" "$*" >&2
    exit 127
}

self=$0
if [ -L "$self" ]; then
    self=$(readlink -f -- "$self")
fi
case $self in
    */*) bindir=${self%/*} ;;
    *) bindir=. ;;
esac
prefix=$(cd -P -- "$bindir/.." && pwd -P)
jar=$prefix/share/multipass/multipass.jar
[ -r "$jar" ] || die "cannot read $jar: is multipass-java installed completely?"

if [ -n "${JAVA_HOME:-}" ]; then
    java=$JAVA_HOME/bin/java
    [ -x "$java" ] || die "JAVA_HOME is '$JAVA_HOME', which has no bin/java: point JAVA_HOME at a Java 17 or newer runtime, or unset it"
    home=$JAVA_HOME
else
    java=$(command -v java) || die "no Java runtime found: install Java 17 or newer (Debian, Ubuntu: apt-get install default-jre-headless), or set JAVA_HOME"
    home=$(readlink -f -- "$java")
    home=${home%/bin/java}
fi

# The runtime's version and VM from its release file (no JVM start); `java -version` if none.
version=
vm=
if [ -r "$home/release" ]; then
    while IFS='=' read -r key value; do
        value=${value#\"}
        value=${value%\"}
        case $key in
            JAVA_VERSION) version=$value ;;
            JVM_VARIANT) vm=$value ;;
        esac
    done <"$home/release"
fi
if [ -z "$version" ]; then
    version=$("$java" -version 2>&1 | sed -n '1s/^[^"]*"\([^"]*\)".*$/\1/p') || version=
fi
case $version in
    1.*) major=${version#1.} ;;
    *) major=$version ;;
esac
major=${major%%[!0-9]*}
if [ -z "$major" ] || [ "$major" -lt 17 ]; then
    die "$java is Java ${version:-of an unknown version}; multipass needs Java 17 or newer: install one (apt-get install openjdk-17-jre-headless) or point JAVA_HOME at it"
fi

DAEMON_JVM_OPTIONS="-XX:+UseSerialGC -Xmx192m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30"

set -f # the *_JAVA_OPTS are split into words, never globbed
if [ "$role" = daemon ]; then
    # shellcheck disable=SC2086
    set -- ${MULTIPASSD_JAVA_OPTS:-} -jar "$jar" daemon "$@"
    case $vm in
        "" | [Hh]ot[Ss]pot)
            # shellcheck disable=SC2086
            set -- $DAEMON_JVM_OPTIONS "$@"
            ;;
    esac
else
    # shellcheck disable=SC2086
    set -- ${MULTIPASS_JAVA_OPTS:-} -jar "$jar" "$@"
    case $vm in
        "" | [Hh]ot[Ss]pot)
            archive=$prefix/lib/multipass/client.jsa
            if [ -n "${MULTIPASS_CDS_LIST:-}" ]; then
                # make-cds-archive: list the classes this run loads (no archive, so that it sees every one)
                set -- -Xshare:off "-XX:DumpLoadedClassList=$MULTIPASS_CDS_LIST" "$@"
            elif [ -n "${MULTIPASS_CDS_DUMP:-}" ]; then
                # make-cds-archive: archive the classes of the list $MULTIPASS_CDS_DUMP, then exit
                set -- -Xshare:dump "-XX:SharedClassListFile=$MULTIPASS_CDS_DUMP" "-XX:SharedArchiveFile=$archive.new" "$@"
            elif [ -r "$archive" ]; then
                set -- "-XX:SharedArchiveFile=$archive" "$@"
            fi
            set -- -XX:TieredStopAtLevel=1 -Xshare:auto -Xlog:cds=off -Xlog:cds+dynamic=off "$@"
            ;;
    esac
fi
exec "$java" "$@"
