#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A stand-in for Canonical's multipassd, on grpcio (the gRPC C core Multipass uses).

It serves the part of multipass.Rpc that multipass-java's CLI uses, the way Canonical's
daemon does (src/daemon/daemon_rpc.cpp, daemon.cpp): every stream-stream method reads one
request, checks the caller's certificate (except authenticate), sends its log lines as
replies carrying only log_line, then one last reply; errors are gRPC statuses with
Multipass's texts. It keeps instances and settings in memory; no virtual machine runs.

Usage:
  fake_multipassd.py --address unix:/path --cert server.pem --key server_key.pem
                     [--known-client PEM]... [--trust PEM]... [--passphrase P]
                     [--first-client] [--version 1.16.0] [--proto-dir DIR]

One difference from Canonical's daemon is forced on us: its server credentials ask for a
client certificate without verifying it (GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_BUT_DONT_VERIFY),
which grpcio's Python API cannot express (require_client_auth=False does not ask at all, so
context.auth_context() holds no certificate). So the certificates a test will present are
given with --known-client and verified at the handshake; which of them are TRUSTED is the
daemon's own set (--trust, authenticate, --first-client), checked per call as Multipass does.
Without --known-client no certificate is asked for and every gated call is refused.

It prints "fake-multipassd listening on <address>" on stdout once it serves, and stops
on SIGTERM or SIGINT (removing its socket).
"""

import argparse
import hashlib
import os
import signal
import ssl
import sys
import threading
import time
from concurrent import futures
from datetime import datetime, timezone

import grpc

import multipass_rpc

NOT_AUTHENTICATED = (
    "The user is not authenticated with the Multipass service.\n\n"
    "Please authenticate before proceeding (e.g. via 'multipass authenticate'). Note that you first "
    "need an authenticated user to set and provide you with a trusted passphrase "
    "(e.g. via 'multipass set local.passphrase').")
NO_PASSPHRASE = (
    "Incorrect passphrase. No passphrase is set.\n\n"
    "To authenticate, first ask an authenticated user to set a passphrase and share it with you, "
    "provided they trust you. To set a passphrase, use the command 'multipass set local.passphrase'. "
    "Note that only the user who installs Multipass is automatically authenticated.")
WRONG_PASSPHRASE = "Passphrase is not correct. Please try again."

PASSPHRASE_KEY = "local.passphrase"
DRIVER_KEY = "local.driver"
DEFAULT_IMAGE = "24.04"
INFO_LEVEL = 2  # a request's verbosity_level at or above this gets the daemon's info lines

RUNNING, STOPPED, DELETED, SUSPENDED = "RUNNING", "STOPPED", "DELETED", "SUSPENDED"


class Failure(Exception):
    """A call's gRPC status: raised by a command, turned into the call's status."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


def der_of(pem):
    """The DER bytes of a PEM certificate: certificates are compared as Multipass does, exactly."""
    if isinstance(pem, bytes):
        pem = pem.decode("ascii")
    return ssl.PEM_cert_to_DER_cert(pem.strip() + "\n")


def short_id(der):
    return hashlib.sha256(der).hexdigest()[:16] if der else "none"


class Daemon:
    """The state (trusted certificates, passphrase, instances) and the commands, under one lock."""

    def __init__(self, pb, version, passphrase, trusted, first_client):
        self.pb = pb
        self.version = version
        self.passphrase = passphrase
        self.trusted = set(trusted)
        self.first_client = first_client
        self.instances = {}  # name -> dict(state, image, cpus, memory, disk, created)
        self.launched = 0
        self.lock = threading.Lock()

    # --- authorization, per call, as Multipass does it

    def admit(self, der):
        with self.lock:
            if self.first_client and not self.trusted and der:
                self.trusted.add(der)
                log(f"first client accepted: {short_id(der)}")
                return
            if der not in self.trusted:
                raise Failure(grpc.StatusCode.UNAUTHENTICATED, NOT_AUTHENTICATED)

    def authenticate(self, request, der):
        with self.lock:
            if not self.passphrase:
                raise Failure(grpc.StatusCode.FAILED_PRECONDITION, NO_PASSPHRASE)
            if request.passphrase != self.passphrase:
                raise Failure(grpc.StatusCode.INVALID_ARGUMENT, WRONG_PASSPHRASE)
            if der:
                self.trusted.add(der)
        return self.pb.AuthenticateReply()

    # --- settings

    def get(self, request, _der):
        with self.lock:
            if request.key == PASSPHRASE_KEY:
                # Multipass sends the stored hash; its CLI shows only whether it is empty.
                value = hashlib.sha256(self.passphrase.encode()).hexdigest() if self.passphrase else ""
            elif request.key == DRIVER_KEY:
                value = "qemu"
            else:
                raise Failure(grpc.StatusCode.INVALID_ARGUMENT, f"Unrecognized settings key: '{request.key}'")
        return self.pb.GetReply(value=value)

    def set(self, request, _der):
        with self.lock:
            if request.key != PASSPHRASE_KEY:
                raise Failure(grpc.StatusCode.INVALID_ARGUMENT, f"Unrecognized settings key: '{request.key}'")
            self.passphrase = request.val
        return self.pb.SetReply()

    def keys(self, _request, _der):
        return self.pb.KeysReply(settings_keys=[DRIVER_KEY, PASSPHRASE_KEY])

    # --- the daemon itself

    def version_(self, _request, _der):
        return self.pb.VersionReply(version=self.version)

    # --- instances

    def list(self, _request, _der):
        reply = self.pb.ListReply()
        reply.instance_list.SetInParent()  # an empty list is still a list
        with self.lock:
            for name in sorted(self.instances):
                instance = self.instances[name]
                item = reply.instance_list.instances.add(name=name, current_release=instance["image"])
                item.instance_status.status = self.pb.InstanceStatus.Status.Value(instance["state"])
        return reply

    def launch(self, request, _der):
        with self.lock:
            name = request.instance_name
            if not name:
                self.launched += 1
                name = f"fake-{self.launched}"
            if name in self.instances:
                raise Failure(grpc.StatusCode.INVALID_ARGUMENT, f'instance "{name}" already exists')
            self.instances[name] = dict(state=RUNNING, image=request.image or DEFAULT_IMAGE,
                                        cpus=str(request.num_cores or 1), memory=request.mem_size or "1G",
                                        disk=request.disk_space or "5G", created=time.time())
        return self.pb.LaunchReply(vm_instance_name=name)

    def info(self, request, _der):
        reply = self.pb.InfoReply()
        with self.lock:
            for name in self.select([p.instance_name for p in request.instance_snapshot_pairs]):
                instance = self.instances[name]
                item = reply.details.add(name=name, cpu_count=instance["cpus"], memory_total=instance["memory"],
                                         disk_total=instance["disk"])
                item.instance_status.status = self.pb.InstanceStatus.Status.Value(instance["state"])
                item.instance_info.image_release = instance["image"]
                item.instance_info.current_release = instance["image"]
                item.instance_info.creation_timestamp.FromSeconds(int(instance["created"]))
        return reply

    def start(self, request, _der):
        return self.move(request.instance_names.instance_name, RUNNING, self.pb.StartReply())

    def stop(self, request, _der):
        return self.move(request.instance_names.instance_name, STOPPED, self.pb.StopReply())

    def suspend(self, request, _der):
        return self.move(request.instance_names.instance_name, SUSPENDED, self.pb.SuspendReply())

    def restart(self, request, _der):
        return self.move(request.instance_names.instance_name, RUNNING, self.pb.RestartReply())

    def recover(self, request, _der):
        with self.lock:
            for name in self.select(request.instance_names.instance_name):
                if self.instances[name]["state"] == DELETED:
                    self.instances[name]["state"] = STOPPED
        return self.pb.RecoverReply()

    def delet(self, request, _der):
        reply = self.pb.DeleteReply()
        with self.lock:
            for name in self.select([p.instance_name for p in request.instance_snapshot_pairs]):
                if request.purge:
                    del self.instances[name]
                    reply.purged_instances.append(name)
                else:
                    self.instances[name]["state"] = DELETED
        return reply

    def purge(self, _request, _der):
        reply = self.pb.PurgeReply()
        with self.lock:
            for name in sorted(n for n, i in self.instances.items() if i["state"] == DELETED):
                del self.instances[name]
                reply.purged_instances.append(name)
        return reply

    def move(self, names, state, reply):
        with self.lock:
            selected = self.select(names)
            for name in selected:
                if self.instances[name]["state"] == DELETED:
                    raise Failure(grpc.StatusCode.INVALID_ARGUMENT, f'instance "{name}" is deleted')
            for name in selected:
                self.instances[name]["state"] = state
        return reply

    def select(self, names):
        """The named instances (all of them when none is named); the lock is held."""
        if not names:
            return sorted(self.instances)
        missing = [n for n in names if n not in self.instances]
        if missing:
            raise Failure(grpc.StatusCode.NOT_FOUND, f'instance "{missing[0]}" does not exist')
        return list(names)


def log(text):
    print(f"fake-multipassd: {text}", file=sys.stderr, flush=True)


def log_line(level, text):
    """A daemon log line as Multipass sends it: its own newline included, the client prints it raw."""
    stamp = datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return f"[{stamp}] [{level}] [fake-multipassd] {text}\n"


def client_certificate(context):
    pems = context.auth_context().get("x509_pem_cert", [])
    return der_of(pems[0]) if pems else b""


def stream_handler(daemon, method, reply_class):
    command = getattr(daemon, "version_" if method == "version" else method)

    def handle(requests, context):
        request = next(requests, None)  # Multipass reads exactly one request
        if request is None:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, "no request")
        der = client_certificate(context)
        try:
            if method != "authenticate":
                daemon.admit(der)
            if request.verbosity_level >= INFO_LEVEL:
                yield reply_class(log_line=log_line("info", f"serving {method}"))
            if method == "launch":  # a progress reply first, as Multipass sends while it prepares
                yield daemon.pb.LaunchReply(launch_progress=daemon.pb.LaunchProgress(percent_complete="100"))
            if method == "authenticate":
                result = daemon.authenticate(request, der)
            else:
                result = command(request, der)
        except Failure as failure:
            log(f"{method} from {short_id(der)}: {failure.code.name}")
            context.abort(failure.code, failure.message)
        log(f"{method} from {short_id(der)}: OK")
        yield result

    return handle


def ping_handler(daemon):
    def ping(_request, context):
        der = client_certificate(context)
        with daemon.lock:
            trusted = der and der in daemon.trusted
        if not trusted:
            context.abort(grpc.StatusCode.UNAUTHENTICATED, "")
        return daemon.pb.PingReply()

    return ping


def service(daemon):
    pb = daemon.pb
    handlers = {}
    for method, (request_name, reply_name) in multipass_rpc.METHODS.items():
        request_class, reply_class = getattr(pb, request_name), getattr(pb, reply_name)
        handlers[method] = grpc.stream_stream_rpc_method_handler(
            stream_handler(daemon, method, reply_class),
            request_deserializer=request_class.FromString, response_serializer=reply_class.SerializeToString)
    handlers["ping"] = grpc.unary_unary_rpc_method_handler(
        ping_handler(daemon), request_deserializer=pb.PingRequest.FromString,
        response_serializer=pb.PingReply.SerializeToString)
    return grpc.method_handlers_generic_handler(multipass_rpc.SERVICE, handlers)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def main():
    parser = argparse.ArgumentParser(description="A stand-in for Canonical's multipassd (tests only).")
    parser.add_argument("--address", required=True, help="unix:/path")
    parser.add_argument("--cert", required=True, help="server certificate (for localhost), PEM")
    parser.add_argument("--key", required=True, help="server key, PEM")
    parser.add_argument("--known-client", action="append", default=[], help="a client certificate let through the handshake")
    parser.add_argument("--trust", action="append", default=[], help="a client certificate trusted from the start")
    parser.add_argument("--passphrase", default="", help="local.passphrase at start (default: none)")
    parser.add_argument("--first-client", action="store_true", help="trust the first client of an empty store, as Multipass does on a Unix socket")
    parser.add_argument("--version", default="1.16.0")
    parser.add_argument("--proto-dir")
    args = parser.parse_args()
    if not args.address.startswith("unix:"):
        parser.error("--address must be unix:<path>")

    pb = multipass_rpc.load(args.proto_dir)
    daemon = Daemon(pb, args.version, args.passphrase, [der_of(read(p)) for p in args.trust], args.first_client)
    known = b"".join(read(p) for p in args.known_client) or None
    credentials = grpc.ssl_server_credentials([(read(args.key), read(args.cert))], root_certificates=known,
                                              require_client_auth=known is not None)
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    server.add_generic_rpc_handlers((service(daemon),))
    if server.add_secure_port(args.address, credentials) == 0:
        sys.exit(f"fake-multipassd: cannot listen on {args.address}")
    server.start()

    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    signal.signal(signal.SIGINT, lambda *_: stopping.set())
    print(f"fake-multipassd listening on {args.address}", flush=True)
    while not stopping.wait(0.5):
        pass
    server.stop(grace=1).wait()
    socket_path = args.address[len("unix:"):]
    try:
        os.unlink(socket_path)
    except FileNotFoundError:
        pass
    log("stopped")


if __name__ == "__main__":
    main()
