// SPDX-License-Identifier: Apache-2.0
package multipass.daemon;

import multipass.platform.Address;
import multipass.platform.Platform;
import multipass.api.LogLevel;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;

/**
 * The daemon's command line: {@code multipass daemon [--address ADDR] [--data-dir DIR]
 * [--admin-group NAME] [--verbosity LEVEL]}, or {@code daemon --install [--user NAME]}. Runs in the foreground, logs to stderr, prints
 * the {@code MULTIPASS_SERVER_ADDRESS=...} clients need on stdout once it listens, and stops
 * cleanly on SIGTERM/SIGINT. Exit codes: 0 stopped, 1 command-line error, 2 cannot start.
 */
public final class DaemonMain {
    static final String HELP = String.join("\n",
            "Usage: multipass daemon [options]",
            "Run the Multipass daemon (multipassd) in the foreground, logging to stderr.",
            "It stops cleanly on SIGTERM or SIGINT.",
            "",
            "Options:",
            "  -h, --help             Display this help",
            "  --address <address>    Where to listen: unix:<absolute path> or <host>:<port>.",
            "                         Default: unix:/run/multipass_socket as root, else a",
            "                         socket in $XDG_RUNTIME_DIR (or the data directory).",
            "  --data-dir <dir>       Where the trust store, settings and certificates live.",
            "                         Default: /var/lib/multipassd as root, else",
            "                         $XDG_DATA_HOME/multipassd.",
            "  --admin-group <name>   The group allowed to connect before anyone is trusted.",
            "                         Default: the first of sudo, admin, wheel that exists.",
            "  --verbosity <level>    error, warning, info (default), debug or trace.",
            "  --multipass-root-cert <file>  Also write the daemon's root certificate to",
            "                         <file> at every start, where Canonical's multipass client",
            "                         reads it: /usr/local/etc/multipassd/multipass_root_cert.pem.",
            "  --install              Do not run: enrol the installing user instead, if nobody",
            "                         is trusted yet (what a package's post-install runs).",
            "  --user <name>          With --install: the user to enrol. Default: $SUDO_USER,",
            "                         else the invoking user.",
            "");

    /** {@code multipassd}'s exit codes, as the CLI has its {@code ExitCode}. */
    enum Exit {
        /** Served until stopped, printed help, or enrolled a user. */
        OK(0),
        /** A bad option or argument. */
        COMMAND_LINE_ERROR(1),
        /** Could not start, enrol, or keep serving. */
        FAILED(2);

        private final int code;

        Exit(int code) {
            this.code = code;
        }

        /** The process exit status. */
        int code() {
            return code;
        }
    }

    private DaemonMain() {
    }

    /** Runs the daemon with the real platform and streams; returns the exit code. */
    public static int run(String[] args) {
        return run(args, Platform.current(), System.out, System.err);
    }

    public static int run(String[] args, Platform platform, PrintStream out, PrintStream err) {
        DaemonOptions options;
        try {
            options = parse(args, platform);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return Exit.COMMAND_LINE_ERROR.code();
        }
        if (options == null) {
            out.print(HELP);
            return Exit.OK.code();
        }
        DaemonLogging.configure(options.verbosity(), err);
        if (options.install()) {
            try {
                new Installer(platform, System.getenv(), out, Clock.systemUTC()).install(options.dataDir(), options.installUser());
                return Exit.OK.code();
            } catch (Installer.InstallException e) {
                err.println(e.getMessage());
                return Exit.FAILED.code();
            }
        }
        Daemon daemon;
        try {
            daemon = Daemon.start(options, Clock.systemUTC());
        } catch (StartupException e) {
            err.println("multipassd cannot start: " + e.getMessage());
            return Exit.FAILED.code();
        }
        Thread stopper = new Thread(() -> closeQuietly(daemon, err), "shutdown");
        Runtime.getRuntime().addShutdownHook(stopper);
        out.println(Platform.SERVER_ADDRESS_VARIABLE + "=" + daemon.address());
        out.flush();
        try {
            daemon.serve();
            return Exit.OK.code();
        } catch (IOException e) {
            err.println("multipassd stopped: " + e.getMessage());
            return Exit.FAILED.code();
        }
    }

    /** The options, or null when help was asked for. */
    static DaemonOptions parse(String[] args, Platform platform) {
        String address = null;
        String dataDir = null;
        String adminGroup = null;
        LogLevel verbosity = LogLevel.INFO;
        boolean install = false;
        String user = null;
        String rootCertCopy = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (platform.isHelpFlag(arg)) {
                return null;
            }
            String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            switch (name) {
                case "--install" -> install = true;
                case "--user", "--address", "--data-dir", "--admin-group", "--verbosity", "--multipass-root-cert" -> {
                    String value;
                    if (arg.contains("=")) {
                        value = arg.substring(arg.indexOf('=') + 1);
                    } else if (i + 1 < args.length) {
                        value = args[++i];
                    } else {
                        throw new IllegalArgumentException("Missing value after '" + name + "'.");
                    }
                    switch (name) {
                        case "--address" -> address = value;
                        case "--data-dir" -> dataDir = value;
                        case "--user" -> user = value;
                        case "--admin-group" -> adminGroup = value;
                        case "--multipass-root-cert" -> rootCertCopy = value;
                        default -> verbosity = LogLevel.parse(value);
                    }
                }
                default -> throw new IllegalArgumentException(arg.startsWith("-")
                        ? "Unknown option '" + arg.replaceFirst("^-+", "") + "'."
                        : "Unexpected argument '" + arg + "'.");
            }
        }
        if (user != null && !install) {
            throw new IllegalArgumentException("--user is only meaningful with --install.");
        }
        Address parsed = address == null ? platform.daemonAddress() : Address.parse(address);
        Path data = dataDir == null ? platform.daemonDataDir() : Path.of(dataDir).toAbsolutePath();
        return new DaemonOptions(parsed, data, adminGroup, verbosity, platform.daemonRendezvousDir(), install, user,
                rootCertCopy == null ? null : Path.of(rootCertCopy).toAbsolutePath());
    }

    /** Runs on SIGTERM/SIGINT; writes to stderr directly, as the logging system may already be shut down. */
    private static void closeQuietly(Daemon daemon, PrintStream err) {
        try {
            daemon.close();
            err.println("multipassd: stopped listening on " + daemon.address());
        } catch (IOException e) {
            err.println("multipassd: error while stopping: " + e.getMessage());
        }
    }
}
