// SPDX-License-Identifier: Apache-2.0
package multipass.api;

import java.util.HashMap;
import java.util.Map;

/**
 * Every gRPC method of the daemon: Multipass's service {@value #MULTIPASS_SERVICE} (same method
 * names, messages and field numbers as Multipass's {@code multipass.proto}; our own Java
 * definitions in {@code multipass.rpc}) and our own {@value #OUR_SERVICE} for what Multipass
 * lacks ({@code docs/multipass_java_trust.proto}). Each method names the daemon command it
 * runs and how its messages translate ({@link RpcMethod}); the request codecs live in
 * {@link RequestCodecs}, the reply codecs in {@link ReplyCodecs}, each made at its method's
 * first use. Immutable.
 */
public final class RpcMethods {
    /** Multipass's service. */
    public static final String MULTIPASS_SERVICE = "multipass.Rpc";
    /** Our own service: trust status, list and remove. */
    public static final String OUR_SERVICE = "multipass_java.Trust";
    /** The {@code :authority} of every call: the name the daemon's certificate carries. */
    public static final String AUTHORITY = "localhost";
    /** The prefix of the trailer fields that carry an error reply's record (the refused caller). */
    public static final String RECORD_METADATA_PREFIX = "multipass-java-";

    private static final Map<String, RpcMethod> BY_PATH = new HashMap<>();
    private static final Map<String, RpcMethod> BY_COMMAND = new HashMap<>();

    static {
        multipass("authenticate", CommandNames.AUTHENTICATE, 1);
        multipass("version", CommandNames.VERSION, 2);
        multipass("ping", CommandNames.PING, 0);
        multipass("get", CommandNames.GET, 2);
        multipass("set", CommandNames.SET, 1);
        multipass("keys", CommandNames.KEYS, 1);
        multipass("launch", CommandNames.LAUNCH, 6);
        multipass("list", CommandNames.LIST, 3);
        multipass("info", CommandNames.INFO, 3);
        multipass("start", CommandNames.START, 1);
        multipass("stop", CommandNames.STOP, 1);
        multipass("suspend", CommandNames.SUSPEND, 1);
        multipass("restart", CommandNames.RESTART, 1);
        multipass("recover", CommandNames.RECOVER, 1);
        multipass("delet", CommandNames.DELETE, 1);
        multipass("purge", CommandNames.PURGE, 1);
        // Multipass's calls for what no backend here does: their log_line fields, the request never read.
        int[] logLines = {6, 2, 2, 1, 1, 2, 2, 1, 2, 1, 1, 1, 1};
        for (int i = 0; i < CommandNames.NOT_OFFERED.size(); i++) {
            String name = CommandNames.NOT_OFFERED.get(i);
            multipass(name, name, logLines[i]);
        }
        ours("status", CommandNames.TRUST_STATUS, 1);
        ours("list", CommandNames.TRUST_LIST, 1);
        ours("remove", CommandNames.TRUST_REMOVE, 1);
    }

    private RpcMethods() {
    }

    private static void multipass(String method, String command, int logLineField) {
        add(new RpcMethod(MULTIPASS_SERVICE, method, command, logLineField));
    }

    private static void ours(String method, String command, int logLineField) {
        add(new RpcMethod(OUR_SERVICE, method, command, logLineField));
    }

    private static void add(RpcMethod method) {
        BY_PATH.put(method.path(), method);
        BY_COMMAND.put(method.command(), method);
    }

    /** The method at gRPC path {@code path}; null when the daemon serves no such method. */
    public static RpcMethod byPath(String path) {
        return BY_PATH.get(path);
    }

    /** The method that runs daemon command {@code command}. */
    public static RpcMethod byCommand(String command) {
        RpcMethod method = BY_COMMAND.get(command);
        if (method == null) {
            throw new IllegalArgumentException("no gRPC method runs the command '" + command + "'");
        }
        return method;
    }
}
