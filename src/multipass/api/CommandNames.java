// SPDX-License-Identifier: Apache-2.0
package multipass.api;

import java.util.List;

/**
 * The names of the daemon's commands as they travel in {@link Request#command()}: the CLI
 * sends them and the daemon's command table serves them, so each is spelled only here.
 */
public final class CommandNames {
    public static final String AUTHENTICATE = "authenticate";
    public static final String VERSION = "version";
    public static final String GET = "get";
    public static final String SET = "set";
    public static final String TRUST_STATUS = "trust-status";
    public static final String TRUST_LIST = "trust-list";
    public static final String TRUST_REMOVE = "trust-remove";
    public static final String LAUNCH = "launch";
    public static final String LIST = "list";
    public static final String INFO = "info";
    public static final String START = "start";
    public static final String STOP = "stop";
    public static final String DELETE = "delete";
    public static final String PURGE = "purge";
    public static final String RECOVER = "recover";
    public static final String SUSPEND = "suspend";
    public static final String RESTART = "restart";
    public static final String KEYS = "keys";
    public static final String PING = "ping";
    /**
     * Multipass's calls for what no backend here does (they need a hypervisor, images or
     * snapshots): served, so a client gets a clear answer, but only to say so.
     */
    public static final List<String> NOT_OFFERED = List.of("create", "find", "networks", "mount", "umount", "ssh_info", "snapshot",
            "restore", "clone", "daemon_info", "wait_ready", "zones", "zones_state");

    private CommandNames() {
    }
}
