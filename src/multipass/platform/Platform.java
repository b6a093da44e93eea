// SPDX-License-Identifier: Apache-2.0
package multipass.platform;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Platform defaults: addresses and directories for Linux, macOS and Windows, computed from an
 * environment map so that tests can pass a fake one. Per-user paths follow {@code $HOME} and
 * the {@code $XDG_*} variables like other Unix tools (not Java's {@code user.home}).
 * Immutable, thread-safe.
 */
public final class Platform {
    /** The operating systems with their own defaults. */
    public enum Os { LINUX, MACOS, WINDOWS }

    /** The environment variable that points the client at a daemon. */
    public static final String SERVER_ADDRESS_VARIABLE = "MULTIPASS_SERVER_ADDRESS";
    static final String CLIENT_IDENTITY_DIR = "multipass-client-certificate";
    static final String WINDOWS_ADDRESS = "localhost:50051";

    private final Os os;
    private final Map<String, String> env;
    private final boolean root;

    public Platform(Os os, Map<String, String> env, boolean root) {
        this.os = os;
        this.env = Map.copyOf(env);
        this.root = root;
    }

    /** The platform this JVM runs on, with the real environment. */
    public static Platform current() {
        String name = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        Os os = name.startsWith("windows") ? Os.WINDOWS : name.startsWith("mac") ? Os.MACOS : Os.LINUX;
        return new Platform(os, System.getenv(), os != Os.WINDOWS && CurrentUser.get().isRoot());
    }

    public Os os() {
        return os;
    }

    /** True when the process runs as root (never on Windows). */
    public boolean root() {
        return root;
    }

    /** {@code $SUDO_USER}: who ran this process through sudo; null when not set. */
    public String sudoUser() {
        String user = env.get("SUDO_USER");
        return user == null || user.isEmpty() ? null : user;
    }

    /** The client's identity directory. */
    public Path clientIdentityDir() {
        return switch (os) {
            case WINDOWS -> Path.of(require("LOCALAPPDATA"), CLIENT_IDENTITY_DIR);
            case MACOS -> home().resolve("Library").resolve("Application Support").resolve(CLIENT_IDENTITY_DIR);
            default -> xdgDataHome().resolve(CLIENT_IDENTITY_DIR);
        };
    }

    /** The client identity directory of another user whose home is {@code home} (installer enrolment). */
    public Path clientIdentityDirForHome(Path home) {
        return os == Os.MACOS
                ? home.resolve("Library").resolve("Application Support").resolve(CLIENT_IDENTITY_DIR)
                : home.resolve(".local").resolve("share").resolve(CLIENT_IDENTITY_DIR);
    }

    /** The daemon's default data directory. */
    public Path daemonDataDir() {
        if (os == Os.WINDOWS) {
            return Path.of(require("ProgramData"), "Multipass", "data");
        }
        return root ? Path.of("/var/lib/multipassd") : xdgDataHome().resolve("multipassd");
    }

    /** The socket of Multipass's snap, where its client and daemon meet when installed as a snap. */
    public static final Path SNAP_SOCKET = Path.of("/var/snap/multipass/common/multipass_socket");
    /**
     * Where Multipass's daemon keeps the root certificate its clients trust: in the snap, and in
     * other installs. The client uses it when no CA is published beside the socket.
     */
    public static final List<Path> MULTIPASS_ROOT_CERTIFICATES = List.of(
            Path.of("/var/snap/multipass/common/data/multipassd/multipass_root_cert.pem"),
            Path.of("/usr/local/etc/multipassd/multipass_root_cert.pem"));

    /**
     * Where the client looks for the daemon: {@code $MULTIPASS_SERVER_ADDRESS}; else the system
     * default; on Linux, when that socket does not exist and the snap's does, the snap's (where
     * Canonical's Multipass listens when installed as a snap).
     */
    public Address clientAddress() {
        String configured = env.get(SERVER_ADDRESS_VARIABLE);
        if (configured != null && !configured.isEmpty()) {
            return Address.parse(configured);
        }
        Address system = systemAddress();
        if (os == Os.LINUX && system instanceof Address.Unix unix && !Files.exists(unix.path(), LinkOption.NOFOLLOW_LINKS)
                && Files.exists(SNAP_SOCKET, LinkOption.NOFOLLOW_LINKS)) {
            return new Address.Unix(SNAP_SOCKET);
        }
        return system;
    }

    /** The address a daemon listens on by default: the system socket as root, else a per-user one. */
    public Address daemonAddress() {
        if (os == Os.WINDOWS || root) {
            return systemAddress();
        }
        String runtime = env.get("XDG_RUNTIME_DIR");
        Path dir = runtime != null && !runtime.isEmpty() && Files.isDirectory(Path.of(runtime)) ? Path.of(runtime) : daemonDataDir();
        return new Address.Unix(dir.resolve("multipass_socket"));
    }

    /** The system-wide daemon address of this OS. */
    public Address systemAddress() {
        return switch (os) {
            case WINDOWS -> Address.parse(WINDOWS_ADDRESS);
            case MACOS -> new Address.Unix(Path.of("/var/run/multipass_socket"));
            default -> new Address.Unix(Path.of("/run/multipass_socket"));
        };
    }

    /**
     * Where a TCP daemon publishes its CA certificate for clients (see
     * {@code PublishedAuthority}): the system directory (root's daemons; only root can write
     * it), then this user's own runtime directory (this user's daemons).
     */
    public List<Path> rendezvousDirs() {
        if (os == Os.WINDOWS) {
            return List.of(Path.of(require("ProgramData"), "Multipass"));
        }
        Path system = Path.of(os == Os.MACOS ? "/var/run" : "/run", "multipassd");
        String runtime = env.get("XDG_RUNTIME_DIR");
        Path user = runtime != null && !runtime.isEmpty() && Path.of(runtime).isAbsolute()
                ? Path.of(runtime, "multipassd") : xdgDataHome().resolve("multipassd-published");
        return List.of(system, user);
    }

    /** The rendezvous directory a daemon run by this process's user publishes into. */
    public Path daemonRendezvousDir() {
        List<Path> dirs = rendezvousDirs();
        return os == Os.WINDOWS || root ? dirs.get(0) : dirs.get(1);
    }

    /** {@code -?} is a help flag on Windows, as in Multipass. */
    public boolean isHelpFlag(String arg) {
        return arg.equals("-h") || arg.equals("--help") || (os == Os.WINDOWS && arg.equals("-?"));
    }

    /** The user's client configuration file: {@code $XDG_CONFIG_HOME/multipass/multipass.conf}, by default under {@code ~/.config}. */
    public Path clientConfigFile() {
        String xdg = env.get("XDG_CONFIG_HOME");
        Path config = xdg != null && !xdg.isEmpty() && Path.of(xdg).isAbsolute() ? Path.of(xdg) : home().resolve(".config");
        return config.resolve("multipass").resolve("multipass.conf");
    }

    /** The value of environment variable {@code name}, or null when it is not set. */
    public String variable(String name) {
        return env.get(name);
    }

    private Path xdgDataHome() {
        String xdg = env.get("XDG_DATA_HOME");
        return xdg != null && !xdg.isEmpty() && Path.of(xdg).isAbsolute() ? Path.of(xdg) : home().resolve(".local").resolve("share");
    }

    private Path home() {
        String home = env.get("HOME");
        return Path.of(home != null && !home.isEmpty() ? home : System.getProperty("user.home"));
    }

    private String require(String variable) {
        String value = env.get(variable);
        if (value == null || value.isEmpty()) {
            throw new IllegalStateException("the environment variable " + variable + " is not set");
        }
        return value;
    }
}
