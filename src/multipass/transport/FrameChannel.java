// SPDX-License-Identifier: Apache-2.0
package multipass.transport;

import multipass.protocol.LogLine;
import multipass.protocol.Message;
import multipass.protocol.MessageCodec;
import multipass.protocol.ProtocolException;
import multipass.protocol.RecordBatch;
import multipass.protocol.Reply;
import multipass.protocol.ReplyFrames;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Length-prefixed message frames over a {@link ByteStream} (TLS to the daemon, plain to the warm client): a 4-byte big-endian length
 * (1 to {@link #MAX_FRAME} bytes) followed by that many body bytes. A bad length or a frame
 * cut short is a {@link ProtocolException}; the caller then closes the connection. A reply
 * bigger than a frame is sent and received as several, in bounded memory.
 * Not thread-safe.
 */
public final class FrameChannel implements AutoCloseable {
    /** The hard limit on one frame's body: 1 MiB. */
    public static final int MAX_FRAME = 1 << 20;

    /** The first buffer for a frame body; bigger bodies grow it as their bytes arrive. */
    private static final int FIRST_CHUNK = 16 * 1024;

    private final ByteStream tls;
    private final ByteBuffer header = ByteBuffer.allocate(4);

    public FrameChannel(ByteStream stream) {
        this.tls = stream;
    }

    /** The byte stream underneath. */
    public ByteStream tls() {
        return tls;
    }

    /** Between frames: whether the peer has sent nothing since and not closed ({@link ByteStream#quiet()}). */
    public boolean quiet() throws IOException {
        return tls.quiet();
    }

    /**
     * Encodes and sends one message; a reply whose records do not fit in one frame goes out in
     * several ({@link ReplyFrames}), encoded one frame at a time.
     */
    public void send(Message message) throws IOException {
        if (message instanceof Reply reply) {
            ReplyFrames frames = new ReplyFrames(reply, MAX_FRAME);
            for (byte[] body = frames.next(); body != null; body = frames.next()) {
                sendBody(body);
            }
        } else {
            byte[] body = MessageCodec.encode(message);
            try {
                sendBody(body);
            } finally {
                Arrays.fill(body, (byte) 0); // a request may hold a passphrase
            }
        }
    }

    /**
     * Sends one encoded message body as a frame (a relay forwards frames with it unchanged).
     * The copy made for the frame is zeroed once written: a request may hold a passphrase.
     */
    public void sendBody(byte[] body) throws IOException {
        if (body.length == 0 || body.length > MAX_FRAME) {
            throw new ProtocolException("message of " + body.length + " bytes exceeds the frame limit of " + MAX_FRAME + " bytes");
        }
        ByteBuffer frame = ByteBuffer.allocate(4 + body.length);
        try {
            frame.putInt(body.length).put(body).flip();
            tls.write(frame);
        } finally {
            Arrays.fill(frame.array(), (byte) 0);
        }
    }

    /** Receives one raw frame body; null when the peer closed cleanly before a new frame. */
    public byte[] receiveBody() throws IOException {
        return receiveBody(MAX_FRAME);
    }

    /**
     * Receives one raw frame body of at most {@code maxLength} bytes (at most {@link #MAX_FRAME});
     * null when the peer closed cleanly before a new frame.
     */
    public byte[] receiveBody(int maxLength) throws IOException {
        header.clear();
        if (tls.read(header) < 0) {
            return null;
        }
        try {
            tls.readFully(header);
        } catch (EOFException e) {
            throw new ProtocolException("frame header truncated: " + e.getMessage());
        }
        header.flip();
        long length = Integer.toUnsignedLong(header.getInt());
        if (length == 0 || length > Math.min(maxLength, MAX_FRAME)) {
            throw new ProtocolException("invalid frame length " + length + " (must be 1 to " + Math.min(maxLength, MAX_FRAME) + ")");
        }
        return readBody((int) length);
    }

    /**
     * Reads a body of {@code length} bytes into a buffer that grows (doubling) as the bytes
     * arrive: memory follows what the peer sent, not what its length prefix claimed, so a peer
     * that announces 1 MiB and sends nothing costs nothing.
     */
    private byte[] readBody(int length) throws IOException {
        ByteBuffer body = ByteBuffer.allocate(Math.min(length, FIRST_CHUNK));
        try {
            while (true) {
                tls.readFully(body);
                if (body.capacity() == length) {
                    return body.array();
                }
                body = ByteBuffer.allocate((int) Math.min(length, 2L * body.capacity())).put(body.flip());
            }
        } catch (EOFException e) {
            throw new ProtocolException("frame truncated: connection closed by peer after " + body.position() + " of " + length + " byte(s)");
        }
    }

    /** Receives and decodes one message; null when the peer closed cleanly before a new frame. */
    public Message receive() throws IOException {
        byte[] body = receiveBody();
        return body == null ? null : MessageCodec.decode(body);
    }

    /**
     * Receives the whole reply to a request sent, its records gathered from all its frames, and
     * passes the log lines the daemon streams before it to {@code logs}. For replies known to be
     * small; {@link #receiveReply(Consumer, Consumer)} takes a reply of any size in bounded memory.
     */
    public Reply receiveReply(Consumer<LogLine> logs) throws IOException {
        List<Map<String, String>> records = new ArrayList<>();
        Reply end = receiveReply(logs, records::addAll);
        if (records.isEmpty()) {
            return end;
        }
        records.addAll(end.records());
        return new Reply(end.status(), end.message(), records);
    }

    /**
     * Receives the reply to a request sent: log lines go to {@code logs}, and the records of
     * each record batch (a reply too big for one frame) to {@code batches} as they arrive;
     * returns the final reply message, whose status counts for all of them and whose own records
     * come after the batches'. The end of the stream first is an {@link EOFException}; a
     * request, a {@link ProtocolException}.
     */
    public Reply receiveReply(Consumer<LogLine> logs, Consumer<List<Map<String, String>>> batches) throws IOException {
        while (true) {
            Message message = receive();
            if (message == null) {
                throw new EOFException("the daemon closed the connection without replying");
            }
            if (message instanceof Reply reply) {
                return reply;
            }
            if (message instanceof RecordBatch batch) {
                batches.accept(batch.records());
            } else if (message instanceof LogLine line) {
                logs.accept(line);
            } else {
                throw new ProtocolException("the daemon sent a " + message.getClass().getSimpleName() + " message, not a reply");
            }
        }
    }

    @Override
    public void close() throws IOException {
        tls.close();
    }
}
