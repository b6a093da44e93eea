// SPDX-License-Identifier: Apache-2.0
package multipass.daemon;

import multipass.cli.CliRunner;
import multipass.api.Reply;
import multipass.api.Request;
import multipass.api.Status;
import multipass.testing.DaemonConfig;
import multipass.testing.QuickIdentities;
import multipass.testing.TestClient;
import multipass.testing.TestDaemon;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code max_pending_handshakes}: a connection beyond it waits in the listen backlog until a
 * handshake slot frees up, instead of being closed at once (which a CLI reported as a broken
 * pipe, telling the user nothing).
 */
@Timeout(60)
class HandshakeSlotsIntegrationTest {
    @TempDir
    Path dir;

    @Test
    void aClientBeyondTheHandshakeCapIsServedOnceASlotFrees() throws Exception {
        DaemonConfig.writeLimits(dir.resolve("data"), "max_pending_handshakes=1", "handshake_timeout_seconds=2");
        try (TestDaemon daemon = TestDaemon.start(dir); SocketChannel silent = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            silent.connect(daemon.address().socketAddress()); // takes the only slot and says nothing
            try (TestClient waiting = TestClient.connect(daemon, QuickIdentities.client("waiting"))) {
                Reply reply = waiting.call(Request.of("version", 0));
                assertEquals(Status.OK, reply.status(), reply.message());
            }
            // The slot came free because the silent connection's handshake deadline closed it.
            assertEquals(-1, silent.read(ByteBuffer.allocate(64)), "the silent connection was closed by the daemon");
        }
    }

    @Test
    void aClientTheDaemonTurnsAwayIsToldSoAndWhatToDo() throws Exception {
        DaemonConfig.writeLimits(dir.resolve("data"), "max_connections=1");
        try (TestDaemon daemon = TestDaemon.start(dir); SocketChannel held = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            held.connect(daemon.address().socketAddress()); // the one connection the daemon takes
            CliRunner cli = new CliRunner(daemon.address(), dir.resolve("identity")).withQuickIdentity();
            String problem = "list failed: the daemon at '" + daemon.address() + "' closed the connection before the TLS handshake was over\n";
            CliRunner.Result result = cli.run("list");
            assertEquals(2, result.exit());
            assertEquals(problem, result.err());
            assertEquals(problem + "It may be refusing new connections for now: too many are open, or too many of this user's (its log says"
                    + " which). Try again in a moment.\n", cli.run("list", "-v").err());
        }
    }
}
