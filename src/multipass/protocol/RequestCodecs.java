// SPDX-License-Identifier: Apache-2.0
package multipass.protocol;

import multipass.proto.ProtoException;
import multipass.proto.ProtoReader;
import multipass.rpc.AuthenticateRequest;
import multipass.rpc.DeleteRequest;
import multipass.rpc.GetRequest;
import multipass.rpc.InfoRequest;
import multipass.rpc.InstanceNames;
import multipass.rpc.InstanceSnapshotPair;
import multipass.rpc.LaunchRequest;
import multipass.rpc.ListRequest;
import multipass.rpc.SetRequest;
import multipass.rpc.TrustRemoveRequest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How each method's request message carries a daemon command's arguments and options. The
 * instance calls name their instances in a list whose emptiness means "all" (Multipass's
 * {@code --all}); {@code launch}'s options are its fields. Stateless.
 */
final class RequestCodecs {
    /** A request with no field we read (ping; the calls we do not offer). */
    static final RpcMethod.RequestCodec NOTHING = new RpcMethod.RequestCodec() {
        @Override
        public byte[] encode(Request request) {
            return new byte[0];
        }

        @Override
        public Request decode(String command, byte[] message) {
            return Request.of(command, 0);
        }
    };

    static final RpcMethod.RequestCodec AUTHENTICATE = new RpcMethod.RequestCodec() {
        @Override
        public byte[] encode(Request request) {
            return new AuthenticateRequest(arg(request, 0), request.verbosity()).encode();
        }

        @Override
        public Request decode(String command, byte[] message) throws ProtoException {
            AuthenticateRequest decoded = AuthenticateRequest.decode(message);
            return Request.of(command, verbosity(decoded.verbosityLevel()), decoded.passphrase());
        }
    };

    static final RpcMethod.RequestCodec GET = new RpcMethod.RequestCodec() {
        @Override
        public byte[] encode(Request request) {
            return new GetRequest(arg(request, 0), request.verbosity()).encode();
        }

        @Override
        public Request decode(String command, byte[] message) throws ProtoException {
            GetRequest decoded = GetRequest.decode(message);
            return Request.of(command, verbosity(decoded.verbosityLevel()), decoded.key());
        }
    };

    static final RpcMethod.RequestCodec SET = new RpcMethod.RequestCodec() {
        @Override
        public byte[] encode(Request request) {
            return new SetRequest(arg(request, 0), arg(request, 1), request.verbosity(), false).encode();
        }

        @Override
        public Request decode(String command, byte[] message) throws ProtoException {
            SetRequest decoded = SetRequest.decode(message);
            return Request.of(command, verbosity(decoded.verbosityLevel()), decoded.key(), decoded.val());
        }
    };

    static final RpcMethod.RequestCodec LIST = new RpcMethod.RequestCodec() {
        @Override
        public byte[] encode(Request request) {
            return new ListRequest(request.verbosity(), false, false).encode();
        }

        @Override
        public Request decode(String command, byte[] message) throws ProtoException {
            ListRequest decoded = ListRequest.decode(message);
            // Snapshots are not kept here: asked for, the list refuses the option by name.
            Map<String, String> options = decoded.snapshots() ? Map.of("snapshots", "true") : Map.of();
            return new Request(command, verbosity(decoded.verbosityLevel()), List.of(), options);
        }
    };

    static final RpcMethod.RequestCodec LAUNCH = new RpcMethod.RequestCodec() {
        @Override
        public byte[] encode(Request request) {
            String cpus = request.option("cpus", null);
            return new LaunchRequest(request.option("name", ""), arg(request, 0), cpus == null ? 0 : Integer.parseInt(cpus),
                    request.option("memory", ""), request.option("disk", ""), request.verbosity(), 0).encode();
        }

        @Override
        public Request decode(String command, byte[] message) throws ProtoException {
            LaunchRequest decoded = LaunchRequest.decode(message);
            Map<String, String> options = new LinkedHashMap<>();
            putIfSet(options, "name", decoded.instanceName());
            putIfSet(options, "cpus", decoded.numCores() == 0 ? "" : Integer.toString(decoded.numCores()));
            putIfSet(options, "memory", decoded.memSize());
            putIfSet(options, "disk", decoded.diskSpace());
            List<String> args = decoded.image().isEmpty() ? List.of() : List.of(decoded.image());
            return new Request(command, verbosity(decoded.verbosityLevel()), args, options);
        }
    };

    static final RpcMethod.RequestCodec INFO = new RpcMethod.RequestCodec() {
        @Override
        public byte[] encode(Request request) {
            return new InfoRequest(pairs(request), request.verbosity(), false, false).encode();
        }

        @Override
        public Request decode(String command, byte[] message) throws ProtoException {
            InfoRequest decoded = InfoRequest.decode(message);
            return selection(command, decoded.verbosityLevel(), names(decoded.instanceSnapshotPairs()), Map.of());
        }
    };

    static final RpcMethod.RequestCodec DELETE = new RpcMethod.RequestCodec() {
        @Override
        public byte[] encode(Request request) {
            return new DeleteRequest(pairs(request), request.options().containsKey("purge"), request.verbosity(), false).encode();
        }

        @Override
        public Request decode(String command, byte[] message) throws ProtoException {
            DeleteRequest decoded = DeleteRequest.decode(message);
            return selection(command, decoded.verbosityLevel(), names(decoded.instanceSnapshotPairs()),
                    decoded.purge() ? Map.of("purge", "true") : Map.of());
        }
    };

    static final RpcMethod.RequestCodec TRUST_REMOVE = new RpcMethod.RequestCodec() {
        @Override
        public byte[] encode(Request request) {
            return new TrustRemoveRequest(request.args(), request.verbosity()).encode();
        }

        @Override
        public Request decode(String command, byte[] message) throws ProtoException {
            TrustRemoveRequest decoded = TrustRemoveRequest.decode(message);
            return new Request(command, verbosity(decoded.verbosityLevel()), decoded.fingerprints(), Map.of());
        }
    };

    private RequestCodecs() {
    }

    /** A request whose only field is {@code verbosity_level}, at {@code field}. */
    static RpcMethod.RequestCodec verbosityOnly(int field) {
        return new RpcMethod.RequestCodec() {
            @Override
            public byte[] encode(Request request) {
                return new multipass.proto.ProtoWriter().writeInt32(field, request.verbosity()).toByteArray();
            }

            @Override
            public Request decode(String command, byte[] message) throws ProtoException {
                return Request.of(command, verbosity(int32(message, field)));
            }
        };
    }

    /** A request of {@code instance_names = 1} (an {@code InstanceNames}) and {@code verbosity_level} at {@code field}. */
    static RpcMethod.RequestCodec instanceNames(int field) {
        return new RpcMethod.RequestCodec() {
            @Override
            public byte[] encode(Request request) {
                byte[] names = new InstanceNames(request.options().containsKey("all") ? List.of() : request.args()).encode();
                return new multipass.proto.ProtoWriter().writeMessage(1, names).writeInt32(field, request.verbosity()).toByteArray();
            }

            @Override
            public Request decode(String command, byte[] message) throws ProtoException {
                List<String> names = List.of();
                int verbosity = 0;
                ProtoReader reader = new ProtoReader(message);
                for (int f = reader.nextField(); f != -1; f = reader.nextField()) {
                    if (f == 1) {
                        names = InstanceNames.decode(reader.readBytes()).instanceName();
                    } else if (f == field) {
                        verbosity = reader.readInt32();
                    } else {
                        reader.skip();
                    }
                }
                return selection(command, verbosity, names, Map.of());
            }
        };
    }

    /** Names, or "all" when there are none (Multipass's {@code --all}). */
    private static Request selection(String command, int verbosity, List<String> names, Map<String, String> options) {
        Map<String, String> all = new LinkedHashMap<>(options);
        if (names.isEmpty()) {
            all.put("all", "true");
        }
        return new Request(command, verbosity(verbosity), names, all);
    }

    private static List<InstanceSnapshotPair> pairs(Request request) {
        List<InstanceSnapshotPair> pairs = new ArrayList<>();
        if (!request.options().containsKey("all")) {
            for (String name : request.args()) {
                pairs.add(new InstanceSnapshotPair(name, null));
            }
        }
        return pairs;
    }

    private static List<String> names(List<InstanceSnapshotPair> pairs) {
        List<String> names = new ArrayList<>();
        for (InstanceSnapshotPair pair : pairs) {
            names.add(pair.instanceName());
        }
        return names;
    }

    private static int int32(byte[] message, int field) throws ProtoException {
        int value = 0;
        ProtoReader reader = new ProtoReader(message);
        for (int f = reader.nextField(); f != -1; f = reader.nextField()) {
            if (f == field) {
                value = reader.readInt32();
            } else {
                reader.skip();
            }
        }
        return value;
    }

    /** A request's verbosity, clamped to 0-4 (Multipass's client sends up to 4; more is trace). */
    private static int verbosity(int level) {
        return Math.max(0, Math.min(LogLevel.TRACE.number(), level));
    }

    private static String arg(Request request, int index) {
        return request.args().size() > index ? request.args().get(index) : "";
    }

    private static void putIfSet(Map<String, String> options, String key, String value) {
        if (!value.isEmpty()) {
            options.put(key, value);
        }
    }
}
