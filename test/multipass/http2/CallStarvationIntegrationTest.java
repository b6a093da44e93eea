// SPDX-License-Identifier: Apache-2.0
package multipass.http2;

import multipass.api.Request;
import multipass.tls.Identity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static multipass.http2.Attacker.VERSION;
import static multipass.http2.Attacker.message;
import static multipass.http2.Attacker.request;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * "1,000 held-open calls starve the handler threads" (issue 20, and CVE-2019-9517, internal
 * data buffering): many calls across many connections whose replies the peer never takes,
 * (version calls at -vvvv, whose log lines and reply are DATA),
 * either because it keeps its flow-control windows at zero or because it grants them and then
 * stops reading the socket. The daemon must neither buffer their replies without bound nor let
 * them take the call threads another client needs: a trusted client's {@code list} is served
 * throughout. The idle time is long here (30 s), so that it is not what saves the day.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CallStarvationIntegrationTest {
    private static final int CONNECTIONS = 10;
    private static final int CALLS_PER_CONNECTION = Http2Settings.DEFAULTS.maxConcurrentStreams();
    /** How long the held-open calls are held while the trusted client calls. */
    private static final long HOLD_MILLIS = 8000;
    /**
     * The slowest trusted call allowed meanwhile: half the hold, so that a client starved for
     * as long as the calls are held fails, while one merely slowed by the attack's own work passes.
     */
    private static final long MAX_LATENCY_MILLIS = HOLD_MILLIS / 2;

    private AttackDaemon daemon;

    @BeforeAll
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void start(@TempDir Path dir) throws Exception {
        daemon = AttackDaemon.start(dir, "handshake_timeout_seconds=2", "idle_timeout_seconds=30");
    }

    @AfterAll
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    /** Opens {@link #CONNECTIONS} connections of {@link #CALLS_PER_CONNECTION} calls each, holds them, closes them. */
    private String heldOpenCalls(Identity who, boolean zeroWindow) throws Exception {
        List<Attacker> attackers = new ArrayList<>();
        try {
            for (int c = 0; c < CONNECTIONS; c++) {
                Attacker a = new Attacker(daemon.raw(who), zeroWindow); // never reads when the window is open
                attackers.add(a);
                if (zeroWindow) {
                    a.peer.settings(new Setting(Setting.INITIAL_WINDOW_SIZE, 0));
                } else {
                    a.peer.settings(new Setting(Setting.INITIAL_WINDOW_SIZE, Setting.MAX_WINDOW));
                    a.peer.windowUpdate(0, Setting.MAX_WINDOW - Setting.DEFAULT_WINDOW);
                }
                byte[] version = message(VERSION, Request.of("version", 4));
                for (int i = 0; i < CALLS_PER_CONNECTION; i++) {
                    try {
                        a.peer.headers(1 + 2 * i, request(VERSION), false);
                        a.peer.data(1 + 2 * i, version, true);
                    } catch (IOException e) {
                        break; // the daemon gave up on this connection
                    }
                }
            }
            Thread.sleep(HOLD_MILLIS);
            int ended = 0;
            for (Attacker a : attackers) {
                ended += a.isEnded() ? 1 : 0;
            }
            return CONNECTIONS * CALLS_PER_CONNECTION + " calls held; " + ended + " of " + CONNECTIONS + " connections closed by the daemon";
        } finally {
            for (Attacker a : attackers) {
                a.close();
            }
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void heldOpenCallsWithZeroWindowsFromPeersWithoutCertificate() throws Exception {
        daemon.underAttack("1,000 held-open calls, zero window (no certificate)", MAX_LATENCY_MILLIS, () -> heldOpenCalls(null, true));
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void heldOpenCallsWithZeroWindowsFromATrustedPeer() throws Exception {
        daemon.underAttack("1,000 held-open calls, zero window (trusted)", MAX_LATENCY_MILLIS, () -> heldOpenCalls(daemon.trustedAttacker, true));
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void heldOpenCallsOfAPeerThatStopsReading() throws Exception {
        daemon.underAttack("1,000 held-open calls, socket never read (trusted)", MAX_LATENCY_MILLIS, () -> heldOpenCalls(daemon.trustedAttacker, false));
    }
}
