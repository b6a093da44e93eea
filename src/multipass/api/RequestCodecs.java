// SPDX-License-Identifier: Apache-2.0
package multipass.api;

import multipass.proto.ProtoException;
import multipass.rpc.AuthenticateRequest;
import multipass.rpc.DeleteRequest;
import multipass.rpc.GetRequest;
import multipass.rpc.InfoRequest;
import multipass.rpc.InstanceNames;
import multipass.rpc.InstanceSnapshotPair;
import multipass.rpc.KeysRequest;
import multipass.rpc.LaunchRequest;
import multipass.rpc.ListRequest;
import multipass.rpc.PingRequest;
import multipass.rpc.PurgeRequest;
import multipass.rpc.RecoverRequest;
import multipass.rpc.RestartRequest;
import multipass.rpc.RpcMessage;
import multipass.rpc.SetRequest;
import multipass.rpc.StartRequest;
import multipass.rpc.StopRequest;
import multipass.rpc.SuspendRequest;
import multipass.rpc.TrustListRequest;
import multipass.rpc.TrustRemoveRequest;
import multipass.rpc.TrustStatusRequest;
import multipass.rpc.VersionRequest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * How each method's request message carries a daemon command's arguments and options: one
 * codec per message, through its record in {@code multipass.rpc}. The instance calls name
 * their instances in a list whose emptiness means "all" (Multipass's {@code --all});
 * {@code launch}'s options are its fields. Stateless.
 */
final class RequestCodecs {
    /**
     * The codec of the request message of the method that runs the command {@code name}. A
     * switch rather than a constant per codec, so that a process links only the codecs it uses:
     * the CLI one (every codec's lambdas and message records, made at once, cost some 40 ms at
     * each CLI start). One case per message; read it as a table.
     */
    static RpcMethod.RequestCodec of(String name) {
        return switch (name) {
            case CommandNames.PING -> typed(PingRequest::decode, (command, ping) -> Request.of(command, 0), request -> new PingRequest());
            case CommandNames.VERSION -> typed(VersionRequest::decode,
                    (command, version) -> Request.of(command, verbosity(version.verbosityLevel())), request -> new VersionRequest(request.verbosity()));
            case CommandNames.KEYS -> typed(KeysRequest::decode,
                    (command, keys) -> Request.of(command, verbosity(keys.verbosityLevel())), request -> new KeysRequest(request.verbosity()));
            case CommandNames.PURGE -> typed(PurgeRequest::decode,
                    (command, purge) -> Request.of(command, verbosity(purge.verbosityLevel())), request -> new PurgeRequest(request.verbosity()));
            case CommandNames.TRUST_STATUS -> typed(TrustStatusRequest::decode,
                    (command, status) -> Request.of(command, verbosity(status.verbosityLevel())),
                    request -> new TrustStatusRequest(request.verbosity()));
            case CommandNames.TRUST_LIST -> typed(TrustListRequest::decode,
                    (command, list) -> Request.of(command, verbosity(list.verbosityLevel())), request -> new TrustListRequest(request.verbosity()));
            case CommandNames.AUTHENTICATE -> typed(AuthenticateRequest::decode,
                    (command, authenticate) -> Request.of(command, verbosity(authenticate.verbosityLevel()), authenticate.passphrase()),
                    request -> new AuthenticateRequest(arg(request, 0), request.verbosity()));
            case CommandNames.GET -> typed(GetRequest::decode,
                    (command, get) -> Request.of(command, verbosity(get.verbosityLevel()), get.key()),
                    request -> new GetRequest(arg(request, 0), request.verbosity()));
            case CommandNames.SET -> typed(SetRequest::decode,
                    (command, set) -> Request.of(command, verbosity(set.verbosityLevel()), set.key(), set.val()),
                    request -> new SetRequest(arg(request, 0), arg(request, 1), request.verbosity(), false));
            case CommandNames.TRUST_REMOVE -> typed(TrustRemoveRequest::decode,
                    (command, remove) -> new Request(command, verbosity(remove.verbosityLevel()), remove.fingerprints(), Map.of()),
                    request -> new TrustRemoveRequest(request.args(), request.verbosity()));
            // Snapshots are not kept here: asked for, the list refuses the option by name.
            case CommandNames.LIST -> typed(ListRequest::decode,
                    (command, list) -> new Request(command, verbosity(list.verbosityLevel()), List.of(),
                            list.snapshots() ? Map.of("snapshots", "true") : Map.of()),
                    request -> new ListRequest(request.verbosity(), false, false));
            case CommandNames.LAUNCH -> typed(LaunchRequest::decode, RequestCodecs::launch, RequestCodecs::launchRequest);
            case CommandNames.INFO -> typed(InfoRequest::decode,
                    (command, info) -> selection(command, info.verbosityLevel(), names(info.instanceSnapshotPairs()), Map.of()),
                    request -> new InfoRequest(pairs(request), request.verbosity(), false, false));
            case CommandNames.DELETE -> typed(DeleteRequest::decode,
                    (command, delete) -> selection(command, delete.verbosityLevel(), names(delete.instanceSnapshotPairs()),
                            delete.purge() ? Map.of("purge", "true") : Map.of()),
                    request -> new DeleteRequest(pairs(request), request.options().containsKey("purge"), request.verbosity(), false));
            case CommandNames.START -> typed(StartRequest::decode,
                    (command, start) -> selection(command, start.verbosityLevel(), start.instanceNames().instanceName(), Map.of()),
                    request -> new StartRequest(names(request), request.verbosity(), 0));
            case CommandNames.STOP -> typed(StopRequest::decode,
                    (command, stop) -> selection(command, stop.verbosityLevel(), stop.instanceNames().instanceName(), Map.of()),
                    request -> new StopRequest(names(request), 0, false, request.verbosity(), false));
            case CommandNames.RESTART -> typed(RestartRequest::decode,
                    (command, restart) -> selection(command, restart.verbosityLevel(), restart.instanceNames().instanceName(), Map.of()),
                    request -> new RestartRequest(names(request), request.verbosity(), 0));
            case CommandNames.SUSPEND -> typed(SuspendRequest::decode,
                    (command, suspend) -> selection(command, suspend.verbosityLevel(), suspend.instanceNames().instanceName(), Map.of()),
                    request -> new SuspendRequest(names(request), request.verbosity()));
            case CommandNames.RECOVER -> typed(RecoverRequest::decode,
                    (command, recover) -> selection(command, recover.verbosityLevel(), recover.instanceNames().instanceName(), Map.of()),
                    request -> new RecoverRequest(names(request), request.verbosity()));
            default -> {
                if (!CommandNames.NOT_OFFERED.contains(name)) {
                    throw new IllegalArgumentException("no request message carries the command '" + name + "'");
                }
                yield nothing();
            }
        };
    }

    private RequestCodecs() {
    }

    /** How a decoded request message becomes the command {@code command}. */
    @FunctionalInterface
    private interface ToRequest<M> {
        Request apply(String command, M message);
    }

    /** The codec of one request message: decoded by its record's {@code decode}, made from a command by {@code toMessage}. */
    private static <M extends RpcMessage> RpcMethod.RequestCodec typed(RpcMessage.Decoder<M> decoder, ToRequest<M> toRequest,
                                                                     Function<Request, M> toMessage) {
        return new RpcMethod.RequestCodec() {
            @Override
            public byte[] encode(Request request) {
                return toMessage.apply(request).encode();
            }

            @Override
            public Request decode(String command, byte[] message) throws ProtoException {
                return toRequest.apply(command, decoder.decode(message));
            }
        };
    }

    /** A request with no field we read (the calls we do not offer). */
    private static RpcMethod.RequestCodec nothing() {
        return new RpcMethod.RequestCodec() {
            @Override
            public byte[] encode(Request request) {
                return new byte[0];
            }

            @Override
            public Request decode(String command, byte[] message) {
                return Request.of(command, 0);
            }
        };
    }

    private static LaunchRequest launchRequest(Request request) {
        String cpus = request.option("cpus", null);
        return new LaunchRequest(request.option("name", ""), arg(request, 0), cpus == null ? 0 : Integer.parseInt(cpus),
                request.option("memory", ""), request.option("disk", ""), request.verbosity(), 0);
    }

    private static Request launch(String command, LaunchRequest launch) {
        Map<String, String> options = new LinkedHashMap<>();
        putIfSet(options, "name", launch.instanceName());
        putIfSet(options, "cpus", launch.numCores() == 0 ? "" : Integer.toString(launch.numCores()));
        putIfSet(options, "memory", launch.memSize());
        putIfSet(options, "disk", launch.diskSpace());
        List<String> args = launch.image().isEmpty() ? List.of() : List.of(launch.image());
        return new Request(command, verbosity(launch.verbosityLevel()), args, options);
    }

    /** Names, or "all" when there are none (Multipass's {@code --all}). */
    private static Request selection(String command, int verbosity, List<String> names, Map<String, String> options) {
        Map<String, String> all = new LinkedHashMap<>(options);
        if (names.isEmpty()) {
            all.put("all", "true");
        }
        return new Request(command, verbosity(verbosity), names, all);
    }

    /** The request's instance names; none for {@code --all}. */
    private static InstanceNames names(Request request) {
        return new InstanceNames(request.options().containsKey("all") ? List.of() : request.args());
    }

    private static List<InstanceSnapshotPair> pairs(Request request) {
        List<InstanceSnapshotPair> pairs = new ArrayList<>();
        for (String name : names(request).instanceName()) {
            pairs.add(new InstanceSnapshotPair(name, null));
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
