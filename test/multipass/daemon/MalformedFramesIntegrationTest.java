// SPDX-License-Identifier: Apache-2.0
package multipass.daemon;

import multipass.protocol.Message;
import multipass.protocol.MessageCodec;
import multipass.protocol.ProtocolException;
import multipass.protocol.Reply;
import multipass.protocol.Request;
import multipass.protocol.Status;
import multipass.protocol.VersionMismatchException;
import multipass.serve.RequestRouter;
import multipass.testing.DaemonConfig;
import multipass.testing.Mutator;
import multipass.testing.ProtocolCorpus;
import multipass.testing.QuickIdentities;
import multipass.testing.TestClient;
import multipass.testing.TestDaemon;
import multipass.tls.Identity;
import multipass.transport.FrameChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Malformed frames over real TLS connections to a live daemon (issue 8): at least 1,000
 * mutated frame streams, each on its own connection, each followed by close_notify so that a
 * frame cut short is an error rather than a wait. What the daemon answers is predicted by an
 * independent reading of the bytes: each complete request before the first problem gets its
 * ordinary reply, the problem gets {@code INVALID_ARGUMENT} "malformed request: ..." (or
 * {@code FAILED_PRECONDITION} for another protocol version), and then the connection closes.
 * Never {@code INTERNAL}. Throughout, a trusted client on its own connection keeps getting
 * {@code version} and {@code list} answered.
 */
class MalformedFramesIntegrationTest {
    private static final long SEED = 0x11FE_F8A3EL;
    private static final int MALFORMED = 1000;
    private static final Set<Status> NEVER = Set.of(Status.INTERNAL, Status.UNKNOWN, Status.DATA_LOSS);

    @TempDir
    Path dir;

    /** What the daemon should do with one stream: the requests it serves, then the error reply (null: a clean end). */
    private record Verdict(List<Request> served, Reply error) {
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void everyMalformedStreamGetsAnErrorReplyAndAClosedConnectionWhileATrustedClientIsServed() throws Exception {
        QuickIdentities.seedDaemon(dir.resolve("data"));
        // A mutant may happen to be a valid authenticate or set: keep any of those fast.
        DaemonConfig.writeLimits(dir.resolve("data"), "auth_initial_delay_seconds=0", "auth_max_delay_seconds=0", "auth_max_failures=1000000");
        Identity fuzzer = QuickIdentities.client("fuzzer");
        Map<String, Integer> outcomes = new TreeMap<>();
        int malformed = 0;
        int streams = 0;
        try (TestDaemon daemon = TestDaemon.start(dir); TestClient trusted = TestClient.connect(daemon, QuickIdentities.client("trusted"))) {
            assertEquals(Status.OK, trusted.call(Request.of("list", 0)).status(), "the trusted client is the first client");
            Mutator mutator = new Mutator(SEED, ProtocolCorpus.frameStreams(ProtocolCorpus.harmlessRequests()), FrameChannel.MAX_FRAME);
            while (malformed < MALFORMED) {
                byte[] stream = mutator.next().bytes();
                Verdict verdict = predict(stream);
                malformed += verdict.error() == null ? 0 : 1;
                outcomes.merge(exchange(daemon, fuzzer, stream, verdict), 1, Integer::sum);
                if (++streams % 10 == 0) {
                    assertEquals(Status.OK, trusted.call(Request.of("version", 0)).status(), "trusted version after " + streams + " streams");
                    assertEquals(Status.OK, trusted.call(Request.of("list", 0)).status(), "trusted list after " + streams + " streams");
                }
            }
            assertEquals(Status.OK, trusted.call(Request.of("list", 0)).status());
        }
        System.out.println("live fuzz: seed " + SEED + ", " + streams + " streams over TLS, " + malformed + " malformed, outcomes " + outcomes);
    }

    /** Sends one stream on a new connection, checks the daemon's answer against the verdict; returns the outcome's name. */
    private static String exchange(TestDaemon daemon, Identity identity, byte[] stream, Verdict verdict) throws Exception {
        String context = "stream " + HexFormat.of().formatHex(stream, 0, Math.min(stream.length, 128));
        try (TestClient client = TestClient.connect(daemon, identity)) {
            try {
                client.sendRaw(stream);
                client.closeOutput();
            } catch (IOException e) {
                // A long stream after an early error: the daemon stopped reading and closed.
                assertFalse(verdict.error() == null, context + ": the daemon closed while a valid stream was sent: " + e);
                return "closed while sending";
            }
            for (Request request : verdict.served()) {
                Reply reply = client.nextReply();
                assertFalse(NEVER.contains(reply.status()), context + ": " + request + " got " + reply);
            }
            if (verdict.error() != null) {
                Reply reply = client.nextReply();
                assertEquals(verdict.error(), reply, context);
            }
            assertNull(client.receive(), context + ": the connection is closed afterwards");
            return verdict.error() == null ? "served" : reply(verdict.error());
        }
    }

    private static String reply(Reply error) {
        String message = error.message().replaceAll("[0-9]+", "N");
        return error.status() + " " + message.substring(0, Math.min(message.length(), 60));
    }

    /** Reads the stream as the daemon should, independently of FrameChannel. */
    private static Verdict predict(byte[] stream) {
        ByteBuffer in = ByteBuffer.wrap(stream);
        List<Request> served = new ArrayList<>();
        while (in.hasRemaining()) {
            if (in.remaining() < 4) {
                return malformed(served, "frame header truncated: connection closed by peer after " + in.remaining() + " of 4 byte(s)");
            }
            long length = Integer.toUnsignedLong(in.getInt());
            if (length == 0 || length > RequestRouter.UNTRUSTED_MAX_FRAME) { // the fuzzer's certificate is never trusted
                return malformed(served, "invalid frame length " + length + " (must be 1 to " + RequestRouter.UNTRUSTED_MAX_FRAME + ")");
            }
            if (in.remaining() < length) {
                return malformed(served, "frame truncated: connection closed by peer after " + in.remaining() + " of " + length + " byte(s)");
            }
            byte[] body = new byte[(int) length];
            in.get(body);
            try {
                Message message = MessageCodec.decode(body);
                if (!(message instanceof Request)) {
                    return malformed(served, "expected a request message");
                }
                served.add((Request) message);
            } catch (VersionMismatchException e) {
                return new Verdict(served, Reply.error(Status.FAILED_PRECONDITION, e.getMessage()));
            } catch (ProtocolException e) {
                return malformed(served, e.getMessage());
            }
        }
        return new Verdict(served, null);
    }

    private static Verdict malformed(List<Request> served, String problem) {
        return new Verdict(served, Reply.error(Status.INVALID_ARGUMENT, "malformed request: " + problem));
    }
}
