// SPDX-License-Identifier: Apache-2.0
package multipass.transport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static multipass.transport.TlsFixture.await;
import static multipass.transport.TlsFixture.background;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link TlsChannel} used as HTTP/2 uses it: one reader thread beside several writer threads
 * on each end, both directions busy at once. Every write must arrive whole (never interleaved
 * with another writer's bytes) and in each writer's order.
 */
@Timeout(30)
class TlsChannelConcurrencyTest {
    private static final int WRITERS = 4;
    private static final int MESSAGES = 300;
    private static final int SIZE = 1500; // not a divisor of a TLS record: writes straddle records

    private static TlsFixture tls;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private MemoryConnection raw;

    @BeforeAll
    static void identities() throws Exception {
        tls = TlsFixture.get();
    }

    @AfterEach
    void close() throws IOException {
        threads.shutdownNow();
        raw.close();
    }

    @Test
    void oneReaderAndSeveralWritersOnEachEnd() throws Exception {
        raw = MemoryConnection.open();
        TlsFixture.Connected c = tls.connect(threads, raw);
        List<Future<Void>> work = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            int writer = w;
            work.add(background(threads, raw.client(), () -> writeAll(c.client(), writer)));
            work.add(background(threads, raw.server(), () -> writeAll(c.server(), writer)));
        }
        Future<Void> serverReads = background(threads, raw.server(), () -> readAll(c.server()));
        readAll(c.client());
        await(serverReads);
        for (Future<Void> future : work) {
            await(future);
        }
    }

    /** Writes MESSAGES messages of SIZE octets, each filled with its writer's number and its sequence number. */
    private static Void writeAll(TlsChannel channel, int writer) throws IOException {
        for (int seq = 0; seq < MESSAGES; seq++) {
            ByteBuffer message = ByteBuffer.allocate(SIZE);
            while (message.hasRemaining()) {
                message.put((byte) writer).putShort((short) seq);
            }
            channel.write(message.flip());
        }
        return null;
    }

    /** Reads every writer's messages and checks that each is whole and in order. */
    private static Void readAll(TlsChannel channel) throws IOException {
        int[] next = new int[WRITERS];
        ByteBuffer message = ByteBuffer.allocate(SIZE);
        for (int i = 0; i < WRITERS * MESSAGES; i++) {
            message.clear();
            channel.readFully(message);
            message.flip();
            int writer = message.get(0);
            int seq = message.getShort(1);
            while (message.hasRemaining()) {
                assertEquals(writer, message.get(), "interleaved writes");
                assertEquals(seq, message.getShort(), "interleaved writes");
            }
            assertEquals(next[writer]++, seq, "writer " + writer + " out of order");
        }
        return null;
    }
}
