# SPDX-License-Identifier: Apache-2.0
"""The multipass.Rpc service for the interop scripts, built at run time.

The messages come from our own docs/multipass_rpc_subset.proto, compiled with
`protoc --python_out` into a private temporary directory (never into the tree). Debian's
python3-grpcio has no grpc_tools, so there are no generated stubs: the method table below
says which messages each method carries, and the client and server use grpcio's generic
`stream_stream`/`unary_unary` entry points with the messages' SerializeToString/FromString.
"""

import atexit
import importlib
import os
import shutil
import subprocess
import sys
import tempfile

SERVICE = "multipass.Rpc"

# method name -> (request message, reply message); every one is stream-stream except ping.
METHODS = {
    "launch": ("LaunchRequest", "LaunchReply"),
    "purge": ("PurgeRequest", "PurgeReply"),
    "info": ("InfoRequest", "InfoReply"),
    "list": ("ListRequest", "ListReply"),
    "recover": ("RecoverRequest", "RecoverReply"),
    "start": ("StartRequest", "StartReply"),
    "stop": ("StopRequest", "StopReply"),
    "suspend": ("SuspendRequest", "SuspendReply"),
    "restart": ("RestartRequest", "RestartReply"),
    "delet": ("DeleteRequest", "DeleteReply"),
    "version": ("VersionRequest", "VersionReply"),
    "get": ("GetRequest", "GetReply"),
    "set": ("SetRequest", "SetReply"),
    "keys": ("KeysRequest", "KeysReply"),
    "authenticate": ("AuthenticateRequest", "AuthenticateReply"),
}
UNARY = {"ping": ("PingRequest", "PingReply")}

PROTO = "multipass_rpc_subset.proto"


def default_proto_dir():
    """docs/ of the tree this script is in (test/interop/ -> ../../docs)."""
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.normpath(os.path.join(here, "..", "..", "docs"))


def load(proto_dir=None):
    """Compiles the subset .proto into a temporary directory and returns its module."""
    proto_dir = proto_dir or default_proto_dir()
    source = os.path.join(proto_dir, PROTO)
    if not os.path.isfile(source):
        sys.exit(f"interop: {source} not found")
    out = tempfile.mkdtemp(prefix="multipass-rpc-")
    atexit.register(shutil.rmtree, out, True)
    includes = ["-I" + proto_dir]
    if os.path.isfile("/usr/include/google/protobuf/timestamp.proto"):
        includes.append("-I/usr/include")
    result = subprocess.run(["protoc", *includes, "--python_out=" + out, source],
                            capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"interop: protoc failed on {source}: {result.stderr.strip()}")
    sys.path.insert(0, out)
    return importlib.import_module(PROTO[:-len(".proto")] + "_pb2")


def path(method):
    return f"/{SERVICE}/{method}"
