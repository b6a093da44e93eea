// SPDX-License-Identifier: Apache-2.0
package multipass.protocol;

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

    private CommandNames() {
    }
}
