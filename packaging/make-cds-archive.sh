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
# and gets it trusted. Two more list the classes they load (MULTIPASS_CDS_LIST, which makes
# the launcher add -XX:DumpLoadedClassList): one that goes direct, a real TLS round trip (the
# JDK's TLS and EC classes are not in the JDK's own default archive), and starts a warm client,
# and one through that warm client (plain HTTP/2 over its socket). A last launcher run
# (MULTIPASS_CDS_DUMP) dumps a static archive of both lists (-Xshare:dump): every class of
# either path, ours and the JDK's. (A dynamic archive, -XX:ArchiveClassesAtExit, can hold only
# the classes of the one run that dumps it.)
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

mkdir -m 0700 "$tmp/home" "$tmp/data" "$tmp/run"
: >"$tmp/daemon.out"
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

export HOME="$tmp/home" XDG_DATA_HOME="$tmp/home/.local/share" XDG_RUNTIME_DIR="$tmp/run" MULTIPASS_SERVER_ADDRESS="unix:$tmp/socket"
unset MULTIPASS_JAVA_OPTS JAVA_TOOL_OPTIONS JDK_JAVA_OPTIONS MULTIPASS_CDS_LIST MULTIPASS_CDS_DUMP XDG_CONFIG_HOME || true
"$prefix/bin/multipass" list >"$tmp/first.out" 2>&1 || fail "multipass list failed: $(cat "$tmp/first.out")"
rm -f -- "$lib/client.jsa"
# MULTIPASS_PERSIST: there is no warm client yet, so this one goes direct and starts one, which
# exits once its socket is gone (cleanup removes it) or a minute after the last command.
MULTIPASS_CDS_LIST="$tmp/direct.classlist" MULTIPASS_PERSIST=1m "$prefix/bin/multipass" list >"$tmp/direct.out" 2>&1 ||
    fail "multipass list failed: $(cat "$tmp/direct.out")"
tries=0
until ls "$tmp/run/multipass/"*.sock >/dev/null 2>&1 || [ "$tries" -ge 150 ]; do
    tries=$((tries + 1))
    sleep 0.2
done
: >"$tmp/warm.classlist"
if ls "$tmp/run/multipass/"*.sock >/dev/null 2>&1; then
    MULTIPASS_CDS_LIST="$tmp/warm.classlist" MULTIPASS_PERSIST=1m "$prefix/bin/multipass" list >"$tmp/warm.out" 2>&1 ||
        fail "multipass list through the warm client failed: $(cat "$tmp/warm.out")"
else
    printf 'make-cds-archive: no warm client started within 30 s; the archive holds the direct path only\n' >&2
fi
# Both lists in one, each line once, in the order first seen (a class's supertypes come first in
# either). A newer JDK numbers its classes ("name id: N"), each list from 0: numbered anew.
awk '/^#/ { next }
    /^[^@]/ && $2 == "id:" { if (!($1 in named)) { named[$1] = 1; print $1 " id: " ids++ } next }
    !seen[$0]++' "$tmp/direct.classlist" "$tmp/warm.classlist" >"$tmp/classlist"
MULTIPASS_CDS_DUMP="$tmp/classlist" "$prefix/bin/multipass" >"$tmp/dump.out" 2>&1 || fail "the archive dump failed: $(cat "$tmp/dump.out")"
[ -s "$lib/client.jsa.new" ] || fail "the JVM wrote no archive: $(cat "$tmp/dump.out")"
chmod 0644 "$lib/client.jsa.new"
mv -f -- "$lib/client.jsa.new" "$lib/client.jsa"
