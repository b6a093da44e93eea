// SPDX-License-Identifier: Apache-2.0
package multipass.testing;

import multipass.daemon.Daemon;
import multipass.daemon.DaemonLogging;
import multipass.daemon.DaemonOptions;
import multipass.daemon.StartupException;
import multipass.platform.Address;
import multipass.api.LogLevel;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/**
 * A real daemon on a real Unix socket inside a test's temporary directory, served on a
 * background thread of the test JVM. Its log (all levels) is captured for assertions.
 */
public final class TestDaemon implements AutoCloseable {
    private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();
    private static final PrintStream LOG_STREAM = new PrintStream(LOG, true, StandardCharsets.UTF_8);

    private final Path dataDir;
    private final Path rendezvousDir;
    private final Address address;
    private Daemon daemon;
    private Thread thread;

    private TestDaemon(Path dir, Address address) {
        this.dataDir = dir.resolve("data");
        this.rendezvousDir = dir.resolve("rendezvous");
        this.address = address;
    }

    /** Starts a daemon with its data dir and socket in {@code dir}. */
    public static TestDaemon start(Path dir) throws StartupException {
        return start(dir, new Address.Unix(dir.resolve("s")));
    }

    /**
     * Starts a daemon on {@code address}, with its data dir (and TCP rendezvous dir) in
     * {@code dir}. A data dir without certificates gets a keytool-free identity first
     * ({@link QuickIdentities#seedDaemon}), so the start takes milliseconds, not the seconds of
     * keytool; what keytool makes is tested by {@code DaemonIdentityIntegrationTest} and by the
     * tests that start the daemon as a process.
     */
    public static TestDaemon start(Path dir, Address address) throws StartupException {
        TestDaemon daemon = new TestDaemon(dir, address);
        if (!Files.isDirectory(daemon.dataDir.resolve("certificates"))) {
            try {
                QuickIdentities.seedDaemon(daemon.dataDir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write a test identity into " + daemon.dataDir, e);
            }
        }
        daemon.startAgain();
        return daemon;
    }

    /** (Re)starts the daemon on the same data dir and socket. */
    public void startAgain() throws StartupException {
        DaemonLogging.configure(LogLevel.TRACE, LOG_STREAM);
        daemon = Daemon.start(new DaemonOptions(address, dataDir, null, LogLevel.TRACE, rendezvousDir, false, null), Clock.systemUTC());
        Daemon serving = daemon;
        thread = new Thread(() -> {
            try {
                serving.serve();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, "test-daemon");
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops the daemon as SIGTERM would. */
    public void stop() throws IOException {
        daemon.close();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public Address address() {
        return address;
    }

    /** The socket path of a Unix daemon. */
    public Path socket() {
        return ((Address.Unix) address).path();
    }

    /** Where a TCP daemon publishes its CA. */
    public Path rendezvousDir() {
        return rendezvousDir;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Everything every test daemon logged so far in this JVM. */
    public static String log() {
        synchronized (LOG_STREAM) {
            return LOG.toString(StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() throws IOException {
        stop();
    }
}
