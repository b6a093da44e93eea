// SPDX-License-Identifier: Apache-2.0
package multipass.serve;

import multipass.api.Access;
import multipass.api.Reply;
import multipass.api.Request;
import multipass.trust.TrustEntry;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The daemon's commands: each name (a {@link multipass.api.CommandNames} constant) maps
 * to its handler and its access rule. The command groups register themselves at startup;
 * after that the table is only read, so lookups need no lock (it is published to the serving
 * threads through the router's final field).
 */
public final class CommandTable {
    /** Serves one request; {@code trusted} is the caller's trust entry, empty for an {@link Access#OPEN} command. */
    @FunctionalInterface
    interface Handler {
        Reply handle(Request request, Peer peer, Optional<TrustEntry> trusted) throws IOException;
    }

    /** One command: who may run it (decided per request, as for {@code set <key>}) and what serves it. */
    record Route(Function<Request, Access> access, Handler handler) {
    }

    private final Map<String, Route> routes = new LinkedHashMap<>();

    /** Registers {@code name} with a fixed access rule. */
    void add(String name, Access access, Handler handler) {
        add(name, request -> access, handler);
    }

    /** Registers {@code name} with an access rule that depends on the request. */
    void add(String name, Function<Request, Access> access, Handler handler) {
        if (routes.putIfAbsent(name, new Route(access, handler)) != null) {
            throw new IllegalStateException("daemon command '" + name + "' is registered twice");
        }
    }

    /** The route of {@code name}, if it is a command. */
    Optional<Route> find(String name) {
        return Optional.ofNullable(routes.get(name));
    }
}
