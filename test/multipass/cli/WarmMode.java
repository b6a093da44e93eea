// SPDX-License-Identifier: Apache-2.0
package multipass.cli;

import multipass.http2.Http2Connection;
import multipass.platform.Address;
import multipass.platform.Platform;
import multipass.settings.PersistTime;
import multipass.warm.WarmDirectory;
import multipass.warm.WarmRoute;
import multipass.warm.WarmStarter;
import multipass.warm.WarmTarget;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The CLI tests both ways: with the system property {@value #PROPERTY} set to a persist time
 * (say {@code 30s}), every {@link CliRunner} command goes through a real warm client (a JVM
 * started from the test's classes, as the CLI starts one), which is started and awaited
 * first. A command the warm client does not take (no connection, or a call it refuses) must
 * be one the direct path cannot connect for either (a daemon that is down, a socket
 * refused...): else the test fails, so a broken warm path cannot hide behind the direct one. Unset, commands go direct. Thread-safe.
 */
final class WarmMode {
    static final String PROPERTY = "multipass.test.persist";

    private WarmMode() {
    }

    /** Turns warm mode on for one test class ({@code @ExtendWith(WarmMode.On.class)}): a persist time of 30 s. */
    static final class On implements BeforeAllCallback, AfterAllCallback {
        @Override
        public void beforeAll(ExtensionContext context) {
            System.setProperty(PROPERTY, "30s");
        }

        @Override
        public void afterAll(ExtensionContext context) {
            System.clearProperty(PROPERTY);
        }
    }

    /** The connector a {@link CliRunner} uses for {@code identityDir} and {@code address}. */
    static DaemonConnector connector(Address address, Path identityDir, List<Path> rendezvousDirs, Platform platform) {
        DaemonConnector direct = () -> DaemonConnection.open(address, identityDir, rendezvousDirs);
        String persist = System.getProperty(PROPERTY, "");
        if (persist.isEmpty()) {
            return direct;
        }
        WarmTarget target = WarmTarget.of(address.toString(), identityDir, rendezvousDirs, platform.clientConfigFile(), WarmDirectory.of(null));
        Duration time = PersistTime.parse(persist);
        DaemonConnector mustFail = () -> {
            DaemonConnection connection = direct.connect();
            connection.close();
            throw new AssertionError("the warm client at " + target.socket() + " did not take a command the direct path could connect for");
        };
        return () -> {
            ensureRunning(target, time);
            Optional<Http2Connection> warm = WarmRoute.handOver(target);
            if (warm.isPresent()) {
                return DaemonConnection.relayed(warm.get(), WarmRoute.client(warm.get(), target), target.address(), target.identityDir(),
                        mustFail);
            }
            return mustFail.connect();
        };
    }

    private static void ensureRunning(WarmTarget target, Duration time) {
        if (Files.exists(target.socket())) {
            return;
        }
        try {
            WarmStarter.start(target, time);
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!Files.exists(target.socket())) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no warm client listened at " + target.socket() + " within 60 s");
                }
                Thread.sleep(20);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a warm client", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for a warm client", e);
        }
    }
}
