#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# make-cds-archive: (re)makes PREFIX/lib/multipass/client.jsa, the AppCDS archive that the
# `multipass` launcher hands to the JVM. Installed as PREFIX/lib/multipass/make-cds-archive;
# run by `make install` (when DESTDIR is empty) and by the Debian package's postinst (also
# when a Java runtime changes, through a dpkg trigger). Best effort: on any failure it leaves
# no archive and exits non-zero; the launcher then simply runs without one.
#
# How: a throw-away daemon (PREFIX/sbin/multipassd) on a socket in a private temporary
# directory, and one throw-away client identity; a first `multipass list` makes the identity
# and gets it trusted, a second one runs with MULTIPASS_CDS_DUMP=1, which makes the launcher
# add -XX:ArchiveClassesAtExit: the archive then holds every class of a real TLS round trip
# (the JDK's TLS and EC classes are not in the JDK's own default archive).
# The archive records the jar's path, size and time and the JVM's identity: the JVM ignores
# it after either changes, so it must be remade after an upgrade (the package does that).
set -eu

lib=$(cd -P -- "$(dirname -- "$0")" && pwd -P)
prefix=${lib%/lib/multipass}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/multipass-cds.XXXXXXXXXX")
daemon=

cleanup() {
    if [ -n "$daemon" ]; then
        kill "$daemon" 2>/dev/null || true
        wait "$daemon" 2>/dev/null || true
    fi
    rm -rf -- "$tmp"
    rm -f -- "$lib/client.jsa.new"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() {
    printf 'make-cds-archive: %s\n' "$*" >&2
    if [ -s "$tmp/daemon.log" ]; then
        sed 's/^/  daemon: /' "$tmp/daemon.log" >&2
    fi
    exit 1
}

mkdir -m 0700 "$tmp/home" "$tmp/data"
"$prefix/sbin/multipassd" --address "unix:$tmp/socket" --data-dir "$tmp/data" --verbosity warning \
    >"$tmp/daemon.out" 2>"$tmp/daemon.log" </dev/null &
daemon=$!
tries=0
until grep -q '^MULTIPASS_SERVER_ADDRESS=' "$tmp/daemon.out"; do
    kill -0 "$daemon" 2>/dev/null || fail "the temporary daemon stopped"
    tries=$((tries + 1))
    [ "$tries" -le 600 ] || fail "the temporary daemon did not start within 120 s"
    sleep 0.2
done

export HOME="$tmp/home" XDG_DATA_HOME="$tmp/home/.local/share" MULTIPASS_SERVER_ADDRESS="unix:$tmp/socket"
unset MULTIPASS_JAVA_OPTS JAVA_TOOL_OPTIONS JDK_JAVA_OPTIONS || true
"$prefix/bin/multipass" list >"$tmp/first.out" 2>&1 || fail "multipass list failed: $(cat "$tmp/first.out")"
rm -f -- "$lib/client.jsa"
# MULTIPASS_PERSIST: the dump run also looks for a warm client (there is none yet, so it goes
# direct and starts one, which exits a second later): the archive holds both paths' classes.
MULTIPASS_CDS_DUMP=1 MULTIPASS_PERSIST=1s "$prefix/bin/multipass" list >"$tmp/dump.out" 2>&1 || fail "multipass list failed: $(cat "$tmp/dump.out")"
[ -s "$lib/client.jsa.new" ] || fail "the JVM wrote no archive: $(cat "$tmp/dump.out")"
chmod 0644 "$lib/client.jsa.new"
mv -f -- "$lib/client.jsa.new" "$lib/client.jsa"
