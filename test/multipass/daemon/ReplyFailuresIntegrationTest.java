// SPDX-License-Identifier: Apache-2.0
package multipass.daemon;

import multipass.http2.Http2Settings;
import multipass.api.Reply;
import multipass.api.Request;
import multipass.api.RpcMethod;
import multipass.api.RpcMethods;
import multipass.api.Status;
import multipass.testing.QuickIdentities;
import multipass.testing.TestClient;
import multipass.testing.TestDaemon;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A live daemon whose reply cannot be sent: a client asks for a {@code list} of 20,000 instances
 * (a reply message of 460 KB), reads the start of it and closes its socket. The daemon logs it at error level with
 * the command, the user and the cause, and goes on serving; a client that reads gets the whole
 * reply.
 */
@Timeout(60)
class ReplyFailuresIntegrationTest {
    private static final int INSTANCES = 20_000;

    @TempDir
    Path dir;
    private TestDaemon daemon;
    private final multipass.tls.Identity identity = QuickIdentities.client("reply-failures");

    @BeforeEach
    void start() throws Exception {
        QuickIdentities.seedDaemon(dir.resolve("data"));
        Path inventory = dir.resolve("data/instances.txt");
        try (BufferedWriter out = Files.newBufferedWriter(inventory, StandardCharsets.US_ASCII)) {
            out.write("multipass-instances 1\n");
            for (int i = 0; i < INSTANCES; i++) {
                out.write(String.format("name=vm-%05d\tstate=Stopped\timage=22.04\tcpus=2\tmemory=2147483648\tdisk=10737418240"
                        + "\tcreated=2026-01-01T00:00:00Z\n", i));
            }
        }
        Files.setPosixFilePermissions(inventory, PosixFilePermissions.fromString("rw-------"));
        daemon = TestDaemon.start(dir);
    }

    @AfterEach
    void stop() throws Exception {
        daemon.close();
    }

    @Test
    void aReplyTheClientDoesNotReadIsLoggedAtErrorLevelWithTheCommandAndTheCause() throws Exception {
        try (TestClient client = TestClient.connect(daemon, identity)) {
            assertEquals(Status.OK, client.call(Request.of("version", 0)).status()); // the first client: trusted from now on
        }
        int logged = TestDaemon.log().length();
        RpcMethod list = RpcMethods.byCommand("list");
        // Receive windows of 64 KiB, far less than the reply's 460 KB, and not a byte of credit returned: at the first
        // DATA the daemon is in the middle of its reply, and then the socket is closed.
        TestClient abandoned = TestClient.connect(daemon, identity, new Http2Settings(4096, 100, 65_535, 16_384, 16_384, 65_535));
        int seen = abandoned.abandonAtFirstData(list.path(), list.encodeRequest(Request.of("list", 0)));
        assertTrue(seen > 0, "the daemon had started its reply");
        String line = awaitLogLine(logged, "[ReplyFailures] cannot send the reply to list for ");
        assertTrue(line.contains("[error]"), line);
        assertTrue(line.matches(".*cannot send the reply to list for \\S+ \\(uid \\d+\\): \\S+.*"), line);

        try (TestClient client = TestClient.connect(daemon, identity)) {
            Reply end = client.call(Request.of("list", 0));
            assertEquals(Status.OK, end.status(), end.message());
            List<Map<String, String>> records = end.records();
            assertEquals(INSTANCES, records.size());
            assertEquals("vm-19999", records.get(INSTANCES - 1).get("name"));
        }
    }

    /** The first line logged after {@code from} that contains {@code text}, waiting up to 20 s for it. */
    private static String awaitLogLine(int from, String text) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            String log = TestDaemon.log().substring(from);
            int at = log.indexOf(text);
            if (at >= 0) {
                int start = log.lastIndexOf('\n', at) + 1;
                int end = log.indexOf('\n', at);
                return log.substring(start, end < 0 ? log.length() : end);
            }
            Thread.sleep(20);
        }
        String log = TestDaemon.log().substring(from);
        throw new AssertionError("no log line with '" + text + "' within 20 s; logged:\n" + log.substring(Math.max(0, log.length() - 4000)));
    }
}
