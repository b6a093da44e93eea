#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A stand-in for Canonical's `multipass` client, on grpcio (the gRPC C core Multipass uses).

It talks to a daemon the way Canonical's client does (src/client/common/client_common.cpp,
include/multipass/cli/dispatch_rpc.h):
  - one channel per command, TLS with the root certificate it is given as the only trust
    anchor, its own certificate and key, and the channel's default authority set to
    "localhost" (which is also the name the server certificate is checked against);
  - one stream-stream call per command: it writes its one request and never half-closes (the
    request iterator yields the request, then blocks until the call is over);
  - every reply's log_line is printed raw to stderr; the LAST reply is the result;
  - a failure prints "<command> failed: <message>" on stderr and exits 2 (UNAVAILABLE reads
    "cannot connect to the multipass socket", as Multipass says it).
Its output imitates Multipass's for what the interop tests check (list's table, version,
get, launch); it is not a copy of Multipass's formatters.

Usage:
  canonical_client.py --address unix:/path --ca ROOT.pem --cert CERT.pem --key KEY.pem
                      [-v...] <command> [args]
Commands: version, list, launch [--name N] [--cpus N] [--memory M] [--disk D] [image],
  info (<name>... | --all), start|stop|suspend|restart|recover (<name>... | --all),
  delete [--purge] (<name>... | --all), purge, get (<key> | --keys), set <key>=<value>,
  authenticate <passphrase>, ping.
"""

import argparse
import sys
import threading

import grpc

import multipass_rpc

CLIENT_VERSION = "1.16.0"
CANNOT_CONNECT = "cannot connect to the multipass socket"
STATES = {"RUNNING": "Running", "STOPPED": "Stopped", "DELETED": "Deleted", "SUSPENDED": "Suspended",
          "STARTING": "Starting", "RESTARTING": "Restarting", "SUSPENDING": "Suspending",
          "DELAYED_SHUTDOWN": "Delayed Shutdown", "UNAVAILABLE": "Unavailable", "UNKNOWN": "Unknown"}


class CommandFailed(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


class OneRequest:
    """The request stream of a call: one request, then nothing until the call is over (no half-close)."""

    def __init__(self, request):
        self.request = request
        self.call_over = threading.Event()

    def __iter__(self):
        yield self.request
        self.call_over.wait()


class Client:
    def __init__(self, args, pb):
        self.pb = pb
        self.verbosity = args.verbose
        credentials = grpc.ssl_channel_credentials(read(args.ca), read(args.key), read(args.cert))
        self.channel = grpc.secure_channel(args.address, credentials, options=[("grpc.default_authority", "localhost")])

    def call(self, method, **fields):
        """Makes one stream-stream call; prints the log lines; returns the last reply."""
        request_name, reply_name = multipass_rpc.METHODS[method]
        request_class, reply_class = getattr(self.pb, request_name), getattr(self.pb, reply_name)
        request = request_class(verbosity_level=self.verbosity, **fields)
        stream = self.channel.stream_stream(multipass_rpc.path(method),
                                            request_serializer=request_class.SerializeToString,
                                            response_deserializer=reply_class.FromString)
        requests = OneRequest(request)
        last = reply_class()
        try:
            for reply in stream(iter(requests)):
                if reply.log_line:
                    sys.stderr.write(reply.log_line)
                    sys.stderr.flush()
                last = reply
        except grpc.RpcError as e:
            if e.code() == grpc.StatusCode.UNAVAILABLE:
                raise CommandFailed(e.code(), CANNOT_CONNECT) from e
            raise CommandFailed(e.code(), e.details() or "") from e
        finally:
            requests.call_over.set()
        return last

    def ping(self):
        stream = self.channel.unary_unary(multipass_rpc.path("ping"),
                                          request_serializer=self.pb.PingRequest.SerializeToString,
                                          response_deserializer=self.pb.PingReply.FromString)
        try:
            stream(self.pb.PingRequest())
        except grpc.RpcError as e:
            raise CommandFailed(e.code(), e.details() or "") from e


def read(path):
    with open(path, "rb") as f:
        return f.read()


def state_of(pb, instance_status):
    return STATES.get(pb.InstanceStatus.Status.Name(instance_status.status), "Unknown")


def print_list(pb, reply):
    instances = sorted(reply.instance_list.instances, key=lambda i: i.name)
    if not instances:
        print("No instances found.")
        return
    width = max(len("Name"), *(len(i.name) for i in instances)) + 2
    print(f"{'Name':<{width}}{'State':<18}{'IPv4':<17}Image")
    for i in instances:
        image = f"{i.os} {i.current_release}".strip() if i.current_release else "Not Available"
        print(f"{i.name:<{width}}{state_of(pb, i.instance_status):<18}{(i.ipv4[0] if i.ipv4 else '--'):<17}{image}")


def print_info(pb, reply):
    blocks = []
    for item in reply.details:
        details = item.instance_info
        blocks.append("\n".join([
            f"{'Name:':<16}{item.name}",
            f"{'State:':<16}{state_of(pb, item.instance_status)}",
            f"{'IPv4:':<16}{details.ipv4[0] if details.ipv4 else '--'}",
            f"{'Release:':<16}{details.current_release or '--'}",
            f"{'CPU(s):':<16}{item.cpu_count or '--'}",
            f"{'Memory usage:':<16}{item.memory_total or '--'}",
            f"{'Disk usage:':<16}{item.disk_total or '--'}"]))
    print("\n\n".join(blocks))


def names_and_all(parser, command, rest):
    sub = argparse.ArgumentParser(prog=command)
    sub.add_argument("--all", action="store_true")
    sub.add_argument("names", nargs="*")
    parsed = sub.parse_args(rest)
    if parsed.all == bool(parsed.names):
        parser.error(f"{command}: give instance names or --all")
    return parsed.names


def run(client, pb, parser, command, rest):
    """Runs one command; returns the exit code. Canonical names: delete (rpc delet), authenticate."""
    if command == "version":
        try:
            reply = client.call("version")
        except CommandFailed:
            reply = pb.VersionReply()  # Multipass prints its own version and exits 0 regardless
        print(f"{'multipass':<12}{CLIENT_VERSION}")
        if reply.version:
            print(f"{'multipassd':<12}{reply.version}")
        return 0
    if command == "ping":
        client.ping()
    elif command == "list":
        print_list(pb, client.call("list"))
    elif command == "launch":
        sub = argparse.ArgumentParser(prog="launch")
        sub.add_argument("--name", "-n", default="")
        sub.add_argument("--cpus", "-c", type=int, default=0)
        sub.add_argument("--memory", "-m", default="")
        sub.add_argument("--disk", "-d", default="")
        sub.add_argument("image", nargs="?", default="")
        a = sub.parse_args(rest)
        reply = client.call("launch", instance_name=a.name, image=a.image, num_cores=a.cpus,
                            mem_size=a.memory, disk_space=a.disk)
        print(f"Launched: {reply.vm_instance_name}")
    elif command == "info":
        names = names_and_all(parser, command, rest)
        print_info(pb, client.call("info", instance_snapshot_pairs=[pb.InstanceSnapshotPair(instance_name=n) for n in names]))
    elif command in ("start", "stop", "suspend", "restart", "recover"):
        names = names_and_all(parser, command, rest)
        client.call(command, instance_names=pb.InstanceNames(instance_name=names))
    elif command == "delete":
        purge = "--purge" in rest
        names = names_and_all(parser, command, [r for r in rest if r != "--purge"])
        client.call("delet", purge=purge, instance_snapshot_pairs=[pb.InstanceSnapshotPair(instance_name=n) for n in names])
    elif command == "purge":
        client.call("purge")
    elif command == "get":
        if rest == ["--keys"]:
            print("\n".join(sorted(client.call("keys").settings_keys)))
        elif len(rest) == 1:
            value = client.call("get", key=rest[0]).value
            if rest[0] == "local.passphrase":
                print("true" if value else "false")  # the hash itself is never shown
            else:
                print(value if value else "<empty>")
        else:
            parser.error("get: give one key, or --keys")
    elif command == "set":
        if len(rest) != 1 or rest[0].count("=") != 1:
            parser.error("set: give one <key>=<value>")
        key, value = rest[0].split("=")
        client.call("set", key=key, val=value)
    elif command == "authenticate":
        if len(rest) != 1:
            parser.error("authenticate: give the passphrase")
        client.call("authenticate", passphrase=rest[0])
    else:
        parser.error(f"unknown command '{command}'")
    return 0


def main():
    parser = argparse.ArgumentParser(description="A stand-in for Canonical's multipass client (tests only).")
    parser.add_argument("--address", required=True)
    parser.add_argument("--ca", required=True, help="the root certificate to trust (multipass_root_cert.pem)")
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--proto-dir")
    parser.add_argument("-v", "--verbose", action="count", default=0)
    parser.add_argument("command")
    parser.add_argument("rest", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    args.verbose = min(args.verbose, 4)

    pb = multipass_rpc.load(args.proto_dir)
    client = Client(args, pb)
    try:
        return run(client, pb, parser, args.command, args.rest)
    except CommandFailed as failure:
        print(f"{args.command} failed: {failure.message}", file=sys.stderr)
        return 2
    finally:
        client.channel.close()


if __name__ == "__main__":
    sys.exit(main())
