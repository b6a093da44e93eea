// SPDX-License-Identifier: Apache-2.0
package multipass.bench;

import multipass.hpack.HeaderField;
import multipass.hpack.HpackEncoder;
import multipass.platform.Address;
import multipass.api.Request;
import multipass.api.RpcMethod;
import multipass.api.RpcMethods;
import multipass.tls.TlsContexts;
import multipass.transport.TlsChannel;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A raw HTTP/2 client over TLS with ALPN {@code h2}, for the HTTP/2 floods: it writes whatever
 * frames it is told to (a 9-octet header and a payload, RFC 9113 section 4.1), correct or not,
 * batched into few TLS records. Unless told not to read, a thread of its own reads what the
 * daemon sends, acknowledges its SETTINGS (as any client would, so that a flood is judged on
 * what it floods with), and notes the GOAWAY error code that ended the connection, if any.
 * Writes come from one thread at a time, besides the reader's SETTINGS acknowledgements.
 */
final class RawHttp2 implements AutoCloseable {
    static final int DATA = 0x0;
    static final int HEADERS = 0x1;
    static final int PRIORITY = 0x2;
    static final int RST_STREAM = 0x3;
    static final int SETTINGS = 0x4;
    static final int PING = 0x6;
    static final int GOAWAY = 0x7;
    static final int WINDOW_UPDATE = 0x8;
    static final int CONTINUATION = 0x9;

    static final int END_STREAM = 0x1;
    static final int ACK = 0x1;
    static final int END_HEADERS = 0x4;

    static final int SETTINGS_HEADER_TABLE_SIZE = 0x1;
    static final int SETTINGS_INITIAL_WINDOW_SIZE = 0x4;

    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final String[] ERROR_CODES = {"NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR", "FLOW_CONTROL_ERROR",
        "SETTINGS_TIMEOUT", "STREAM_CLOSED", "FRAME_SIZE_ERROR", "REFUSED_STREAM", "CANCEL", "COMPRESSION_ERROR",
        "CONNECT_ERROR", "ENHANCE_YOUR_CALM", "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED"};
    /** Flush the batch once it holds this many octets. */
    private static final int BATCH = 16 << 10;

    private final TlsChannel tls;
    private final ByteArrayOutputStream batch = new ByteArrayOutputStream(BATCH + 1024);
    private final HpackEncoder hpack = new HpackEncoder();
    private final AtomicInteger resetsReceived = new AtomicInteger();
    private volatile String goAway;
    private volatile boolean ended;
    private int nextStream = 1;

    private RawHttp2(TlsChannel tls) {
        this.tls = tls;
    }

    /**
     * Connects to {@code address}, completes the TLS handshake with {@code contexts} (which says
     * which certificate, if any, is presented), and sends the preface and {@code settings}
     * (pairs of identifier and value). With {@code read}, a reader thread drains the daemon's
     * frames; without, nothing is ever read from the socket.
     */
    static RawHttp2 open(Address address, TlsContexts contexts, boolean read, int... settings) throws IOException {
        SocketChannel channel = address instanceof Address.Unix ? SocketChannel.open(StandardProtocolFamily.UNIX) : SocketChannel.open();
        try {
            channel.connect(address.socketAddress());
            TlsChannel tls = new TlsChannel(channel, contexts.newEngine());
            tls.handshake();
            if (!TlsContexts.speaksH2(tls.engine())) {
                throw new IOException("the daemon did not select ALPN h2");
            }
            RawHttp2 connection = new RawHttp2(tls);
            connection.batch.write(PREFACE, 0, PREFACE.length);
            ByteBuffer payload = ByteBuffer.allocate(6 * (settings.length / 2));
            for (int i = 0; i + 1 < settings.length; i += 2) {
                payload.putShort((short) settings[i]).putInt(settings[i + 1]);
            }
            connection.frame(SETTINGS, 0, 0, payload.array());
            connection.flush();
            if (read) {
                Thread reader = new Thread(connection::readLoop, "raw-h2-reader");
                reader.setDaemon(true);
                reader.start();
            }
            return connection;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** A new odd stream id, in increasing order. */
    int newStream() {
        int id = nextStream;
        nextStream += 2;
        return id;
    }

    /** Adds one frame to the batch, flushing the batch when it is large. */
    void frame(int type, int flags, int stream, byte[] payload) throws IOException {
        frame(type, flags, stream, payload, 0, payload.length);
    }

    void frame(int type, int flags, int stream, byte[] payload, int offset, int length) throws IOException {
        batch.write(length >>> 16);
        batch.write(length >>> 8);
        batch.write(length);
        batch.write(type);
        batch.write(flags);
        batch.write(stream >>> 24 & 0x7f);
        batch.write(stream >>> 16);
        batch.write(stream >>> 8);
        batch.write(stream);
        batch.write(payload, offset, length);
        if (batch.size() >= BATCH) {
            flush();
        }
    }

    /** Sends the batch. */
    void flush() throws IOException {
        if (batch.size() == 0) {
            return;
        }
        byte[] bytes = batch.toByteArray();
        batch.reset();
        tls.write(ByteBuffer.wrap(bytes));
    }

    /** The header block of a gRPC call to {@code command}'s method, as the CLI sends it. */
    byte[] callHeaders(String command) {
        return hpack.encode(List.of(new HeaderField(":method", "POST"), new HeaderField(":scheme", "https"),
                new HeaderField(":path", RpcMethods.byCommand(command).path()), new HeaderField(":authority", RpcMethods.AUTHORITY),
                new HeaderField("te", "trailers"), new HeaderField("content-type", "application/grpc")));
    }

    /** {@code command}'s request as one length-prefixed gRPC message (uncompressed). */
    static byte[] callMessage(String command) {
        RpcMethod method = RpcMethods.byCommand(command);
        byte[] message = method.encodeRequest(Request.of(command, 0));
        return ByteBuffer.allocate(5 + message.length).put((byte) 0).putInt(message.length).put(message).array();
    }

    /** True once the connection has ended (read end of stream or an error, or closed). */
    boolean ended() {
        return ended;
    }

    /** How the daemon ended the connection: {@code GOAWAY <code>}, or {@code closed} without one. */
    String endedBy() {
        String code = goAway;
        return code == null ? "closed" : "GOAWAY " + code;
    }

    /** RST_STREAM frames received from the daemon so far. */
    int resetsReceived() {
        return resetsReceived.get();
    }

    private void readLoop() {
        ByteBuffer in = ByteBuffer.allocate(64 << 10);
        byte[] settingsAck = {0, 0, 0, SETTINGS, ACK, 0, 0, 0, 0};
        try {
            while (true) {
                in.flip();
                while (in.remaining() >= 9) {
                    int length = (in.get(in.position()) & 0xff) << 16 | (in.get(in.position() + 1) & 0xff) << 8
                            | in.get(in.position() + 2) & 0xff;
                    if (in.remaining() < 9 + length) {
                        break;
                    }
                    int type = in.get(in.position() + 3) & 0xff;
                    int flags = in.get(in.position() + 4) & 0xff;
                    if (type == GOAWAY && length >= 8) {
                        int code = in.getInt(in.position() + 9 + 4);
                        goAway = code >= 0 && code < ERROR_CODES.length ? ERROR_CODES[code] : "0x" + Integer.toHexString(code);
                    } else if (type == RST_STREAM) {
                        resetsReceived.incrementAndGet();
                    } else if (type == SETTINGS && (flags & ACK) == 0) {
                        tls.write(ByteBuffer.wrap(settingsAck));
                    }
                    in.position(in.position() + 9 + length);
                }
                in.compact();
                if (!in.hasRemaining()) {
                    ByteBuffer larger = ByteBuffer.allocate(in.capacity() * 2);
                    in.flip();
                    larger.put(in);
                    in = larger;
                }
                if (tls.read(in) < 0) {
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // the daemon closed the connection, or we did
        } finally {
            ended = true;
        }
    }

    @Override
    public void close() {
        ended = true;
        try {
            tls.close();
        } catch (IOException e) {
            // closing a connection the daemon may already have closed
        }
    }
}
