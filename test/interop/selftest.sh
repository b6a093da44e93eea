#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The interop harness against itself: canonical_client.py against fake_multipassd.py, both on
# grpcio, with certificates made by openssl in a temporary directory. Needs python3 with grpc
# and protobuf (Debian: python3-grpcio python3-protobuf), protoc and openssl. Prints "selftest:
# ok" and exits 0, or names the first step whose output differs and exits 1.
# (The JUnit HarnessInteropTest runs the same flow in `make interop`.)
set -eu
export PYTHONDONTWRITEBYTECODE=1 # no __pycache__ in the tree
here=$(cd "$(dirname "$0")" && pwd)
python=${PYTHON:-python3}
"$python" -c 'import grpc, google.protobuf' 2>/dev/null || python=/usr/bin/python3
tmp=$(mktemp -d /tmp/mp-interop.XXXXXX)
daemon=
cleanup() {
    if [ -n "$daemon" ]; then kill "$daemon" 2>/dev/null || true; wait "$daemon" 2>/dev/null || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

cd "$tmp"
ec() { openssl ecparam -name prime256v1 -genkey -noout 2>/dev/null | openssl pkcs8 -topk8 -nocrypt -out "$1"; }
ec ca.key
openssl req -x509 -new -key ca.key -subj "/CN=Multipass Root CA" -days 2 -out ca.pem 2>/dev/null
ec server.key
openssl req -new -key server.key -subj /CN=localhost -out server.csr 2>/dev/null
printf 'subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=critical,CA:FALSE\n' > server.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile server.ext -out server.pem 2>/dev/null
for who in alice bob; do
    ec "$who.key"
    openssl req -x509 -new -key "$who.key" -subj "/CN=$who" -days 2 -out "$who.pem" \
        -addext "basicConstraints=critical,CA:FALSE" -addext "extendedKeyUsage=clientAuth" 2>/dev/null
done

"$python" "$here/fake_multipassd.py" --address "unix:$tmp/s" --cert server.pem --key server.key \
    --known-client alice.pem --known-client bob.pem --first-client > daemon.out 2> daemon.err &
daemon=$!
i=0
until grep -q 'listening' daemon.out 2>/dev/null; do
    i=$((i + 1))
    if [ "$i" -gt 100 ]; then echo "selftest: the fake daemon did not start:"; cat daemon.err; exit 1; fi
    sleep 0.1
done

step=0
# expect WHO EXIT STDOUT STDERR COMMAND...: runs the client as WHO and compares everything
expect() {
    who=$1 exit=$2 out=$3 err=$4
    shift 4
    step=$((step + 1))
    status=0
    "$python" "$here/canonical_client.py" --address "unix:$tmp/s" --ca ca.pem --cert "$who.pem" --key "$who.key" "$@" \
        > got.out 2> got.err || status=$?
    printf '%s' "$out" > want.out
    printf '%s' "$err" > want.err
    if [ "$status" != "$exit" ] || ! cmp -s got.out want.out || ! cmp -s got.err want.err; then
        echo "selftest: step $step ($who: $*) differs: exit $status (want $exit)"
        echo "--- stdout:"; cat got.out; echo "--- wanted:"; cat want.out
        echo "--- stderr:"; cat got.err; echo "--- wanted:"; cat want.err
        exit 1
    fi
}
nl='
'
refused="The user is not authenticated with the Multipass service.

Please authenticate before proceeding (e.g. via 'multipass authenticate'). Note that you first need an authenticated user to set and provide you with a trusted passphrase (e.g. via 'multipass set local.passphrase')."

expect alice 0 "multipass   1.16.0${nl}multipassd  1.16.0${nl}" "" version
expect alice 0 "No instances found.${nl}" "" list
expect alice 0 "Launched: web${nl}" "" launch --name web
expect alice 0 "Name  State             IPv4             Image${nl}web   Running           --               24.04${nl}" "" list
expect alice 0 "false${nl}" "" get local.passphrase
expect bob 2 "" "list failed: $refused${nl}" list
expect bob 0 "multipass   1.16.0${nl}" "" version
expect bob 2 "" "authenticate failed: Incorrect passphrase. No passphrase is set.

To authenticate, first ask an authenticated user to set a passphrase and share it with you, provided they trust you. To set a passphrase, use the command 'multipass set local.passphrase'. Note that only the user who installs Multipass is automatically authenticated.${nl}" authenticate s3cret
expect alice 0 "" "" set local.passphrase=s3cret
expect alice 0 "true${nl}" "" get local.passphrase
expect bob 2 "" "authenticate failed: Passphrase is not correct. Please try again.${nl}" authenticate wrong
expect bob 0 "" "" authenticate s3cret
expect bob 0 "" "" stop web
expect bob 2 "" "start failed: instance \"nope\" does not exist${nl}" start nope
expect bob 0 "" "" delete web
expect bob 0 "Name  State             IPv4             Image${nl}web   Deleted           --               24.04${nl}" "" list
expect bob 0 "" "" purge
expect bob 0 "No instances found.${nl}" "" list
expect bob 0 "" "" ping
# a log line reaches stderr at -vv, raw, before the result
"$python" "$here/canonical_client.py" --address "unix:$tmp/s" --ca ca.pem --cert bob.pem --key bob.key -vv list > got.out 2> got.err
grep -q '^\[.*\] \[info\] \[fake-multipassd\] serving list$' got.err || { echo "selftest: no log line at -vv:"; cat got.err; exit 1; }
echo "selftest: ok ($step steps)"
