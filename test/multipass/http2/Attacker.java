// SPDX-License-Identifier: Apache-2.0
package multipass.http2;

import multipass.hpack.HeaderField;
import multipass.api.Request;
import multipass.api.RpcMethod;
import multipass.api.RpcMethods;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One hostile HTTP/2 connection for the attack tests: a {@link RawHttp2Peer} that writes on
 * the test's thread while a thread of its own reads everything the daemon sends (so that the
 * daemon's answers never back up into a deadlock), noting the GOAWAY, the RST_STREAMs by code
 * and the end of the connection. Also the raw HPACK pieces the attacks need.
 */
final class Attacker implements AutoCloseable {
    final RawHttp2Peer peer;
    private final CompletableFuture<ErrorCode> goAway = new CompletableFuture<>();
    /** The debug text of the daemon's GOAWAY: it names the budget that was passed. */
    volatile String goAwayDebug = "";
    final AtomicInteger trailers = new AtomicInteger();
    /** How reading ended: "end of stream", or the exception. */
    volatile String endedBy = "end of stream";
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    final Map<ErrorCode, AtomicInteger> resets = new ConcurrentHashMap<>();
    final AtomicInteger headers = new AtomicInteger();
    final AtomicInteger dataOctets = new AtomicInteger();
    final AtomicInteger pingAcks = new AtomicInteger();

    Attacker(RawHttp2Peer peer, boolean read) {
        this.peer = peer;
        if (read) {
            Thread reader = new Thread(this::readAll, "attacker-reader");
            reader.setDaemon(true);
            reader.start();
        }
    }

    static Attacker on(AttackDaemon daemon, multipass.tls.Identity identity) throws Exception {
        return new Attacker(daemon.raw(identity), true);
    }

    private void readAll() {
        try {
            for (Frame frame = peer.next(); frame != null; frame = peer.next()) {
                if (frame instanceof Frame.GoAway g) {
                    goAwayDebug = g.debug();
                    goAway.complete(ErrorCode.of(g.code()));
                } else if (frame instanceof Frame.RstStream r) {
                    resets.computeIfAbsent(ErrorCode.of(r.code()), k -> new AtomicInteger()).incrementAndGet();
                } else if (frame instanceof Frame.Headers h) {
                    headers.incrementAndGet();
                    if (h.endStream()) {
                        trailers.incrementAndGet();
                    }
                } else if (frame instanceof Frame.Data d) {
                    dataOctets.addAndGet(d.flowLength());
                } else if (frame instanceof Frame.Ping p && p.ack()) {
                    pingAcks.incrementAndGet();
                }
            }
        } catch (IOException | RuntimeException e) {
            endedBy = e.toString(); // closed by the daemon (or by us): the end all the same
        } finally {
            ended.complete(null);
        }
    }

    /** The GOAWAY's code, waiting up to {@code seconds}; null if the connection ended without one. */
    ErrorCode awaitGoAway(long seconds) throws Exception {
        try {
            CompletableFuture.anyOf(goAway, ended).get(seconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("no GOAWAY and no end of the connection within " + seconds + " s");
        }
        ErrorCode code = goAway.getNow(null);
        if (code == null) {
            System.out.println("attacker: the connection ended without GOAWAY: " + endedBy);
        }
        return code;
    }

    /** Waits until the daemon closes the connection. */
    void awaitEnd(long seconds) throws Exception {
        try {
            ended.get(seconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("the daemon did not close the connection within " + seconds + " s");
        }
    }

    boolean isEnded() {
        return ended.isDone();
    }

    boolean goAwaySeen() {
        return goAway.isDone();
    }

    int resets(ErrorCode code) {
        AtomicInteger n = resets.get(code);
        return n == null ? 0 : n.get();
    }

    @Override
    public void close() {
        try {
            peer.close();
        } catch (IOException e) {
            // closed already
        }
    }

    // ---- requests and raw HPACK ----

    static final RpcMethod PING = RpcMethods.byCommand("ping");
    static final RpcMethod LIST = RpcMethods.byCommand("list");
    static final RpcMethod VERSION = RpcMethods.byCommand("version");

    /** A gRPC Length-Prefixed-Message of {@code request} for {@code method}. */
    static byte[] message(RpcMethod method, Request request) {
        byte[] body = method.encodeRequest(request);
        return ByteBuffer.allocate(5 + body.length).put((byte) 0).putInt(body.length).put(body).array();
    }

    static List<HeaderField> request(RpcMethod method) {
        return RawHttp2Peer.request(method.path());
    }

    /** An HPACK integer with an {@code n}-bit prefix (RFC 7541 section 5.1), the first octet's high bits {@code flags}. */
    static void integer(ByteArrayOutputStream out, int flags, int n, long value) {
        long max = (1L << n) - 1;
        if (value < max) {
            out.write((int) (flags | value));
            return;
        }
        out.write((int) (flags | max));
        value -= max;
        while (value >= 128) {
            out.write((int) (value % 128 + 128));
            value /= 128;
        }
        out.write((int) value);
    }

    private static void string(ByteArrayOutputStream out, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.ISO_8859_1);
        integer(out, 0, 7, bytes.length);
        out.writeBytes(bytes);
    }

    /** A literal field without indexing, new name (RFC 7541 section 6.2.2): the dynamic table is untouched. */
    static void literal(ByteArrayOutputStream out, String name, String value) {
        out.write(0x00);
        string(out, name);
        string(out, value);
    }

    /** A literal field with incremental indexing, new name (section 6.2.1): enters the dynamic table. */
    static void indexedLiteral(ByteArrayOutputStream out, String name, String value) {
        out.write(0x40);
        string(out, name);
        string(out, value);
    }

    /** The request pseudo-headers and gRPC fields of {@code method}, all as literals without indexing. */
    static void requestLiterals(ByteArrayOutputStream out, RpcMethod method) {
        for (HeaderField field : request(method)) {
            literal(out, field.name(), field.value());
        }
    }
}
