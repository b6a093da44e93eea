// SPDX-License-Identifier: Apache-2.0
package multipass.http2;

import multipass.hpack.HeaderField;
import multipass.hpack.HpackEncoder;
import multipass.transport.ByteStream;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Consumer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The sending side of an {@link Http2Connection}: whole frames onto the byte stream under the
 * write lock, our preface and SETTINGS before anything else (RFC 9113 section 3.4), header
 * blocks encoded in wire order (the HPACK encoder's table follows the blocks as sent), DATA
 * only within the peer's windows (section 6.9.1), and the WINDOW_UPDATEs and RST_STREAMs the
 * application's consumed() and reset() call for. Lock order: the write lock, then the
 * connection's state lock. A write that fails closes the connection (the frame may be cut).
 * Thread-safe.
 */
final class Outbound {
    private static final System.Logger LOG = LazyLogger.of(Outbound.class.getName());

    /** One frame (or header block) to write while the write lock is held. */
    interface FrameAction {
        void write(FrameWriter writer) throws IOException;
    }

    private final Http2Connection c;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final FrameWriter writer;
    private final HpackEncoder encoder = new HpackEncoder();
    private boolean started; // guarded by writeLock

    Outbound(Http2Connection connection, ByteStream io) {
        this.c = connection;
        this.writer = new FrameWriter(io);
    }

    /**
     * Client: opens a stream in the place {@code reserveStreamSlot} took, sending its headers;
     * identifiers are taken under the write lock, so they reach the wire in increasing order.
     */
    Http2Stream open(List<HeaderField> headers, boolean endStream, StreamListener listener) throws IOException {
        writeLock.lock();
        try {
            Http2Stream stream;
            synchronized (c.lock) {
                if (c.closed || c.goAwaySent || c.goAwayReceived) {
                    c.streams.releaseLocal();
                    throw new IOException("the HTTP/2 connection is going away: no new streams");
                }
                stream = new Http2Stream(c, c.streams.nextLocalId(), StreamState.OPEN, c.peer.initialWindowSize,
                        new ReceiveWindow(c.ours.initialWindowSize(), c.streamReceiveInitial));
                stream.listener = listener;
                c.streams.add(stream);
            }
            try {
                checkOpen();
                writeHeaderBlock(stream, headers, endStream);
            } catch (IOException e) {
                synchronized (c.lock) {
                    c.close(stream);
                }
                throw e;
            }
            return stream;
        } finally {
            writeLock.unlock();
        }
    }

    /** GOAWAY, best effort: waits at most {@code waitMillis} for a writer in the middle of a frame. */
    void goAway(int lastStreamId, ErrorCode code, String debug, long waitMillis) {
        try {
            if (!writeLock.tryLock(waitMillis, TimeUnit.MILLISECONDS)) {
                LOG.log(Level.DEBUG, "HTTP/2 GOAWAY not sent: a writer is stuck");
                return;
            }
            try {
                checkOpen();
                writer.goAway(lastStreamId, code, debug);
            } finally {
                writeLock.unlock();
            }
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "HTTP/2 GOAWAY not sent: {0}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }


    /** Writes a control frame under the write lock (after our preface, if not yet sent). */
    void sendControl(FrameAction action) throws IOException {
        writeLock.lock();
        try {
            checkOpen();
            write(action);
        } finally {
            writeLock.unlock();
        }
    }

    /** Sends a header block on an open stream (HEADERS and CONTINUATION, never interleaved). */
    void sendHeaders(Http2Stream stream, List<HeaderField> fields, boolean endStream) throws IOException {
        writeLock.lock();
        try {
            checkOpen();
            c.checkCanSend(stream);
            writeHeaderBlock(stream, fields, endStream);
        } finally {
            writeLock.unlock();
        }
        c.finishIfDrained();
    }

    /** Encodes and writes a header block; the caller holds the write lock and checked the stream. */
    void writeHeaderBlock(Http2Stream stream, List<HeaderField> fields, boolean endStream) throws IOException {
        long size = 0;
        for (HeaderField field : fields) {
            size += field.size();
        }
        int frameSize;
        synchronized (c.lock) {
            if (size > c.peer.maxHeaderListSize) {
                throw new IOException("header list of " + size + " octets exceeds the peer's limit of "
                        + c.peer.maxHeaderListSize);
            }
            frameSize = c.peer.maxFrameSize;
        }
        ByteBuffer block = ByteBuffer.wrap(encoder.encode(fields));
        write(w -> w.headers(stream.id(), block, endStream, frameSize));
        if (endStream) {
            endLocally(stream);
        }
    }

    /**
     * Sends DATA whose octets {@link #reserveSendWindow} already took from the windows: one
     * frame, or more when the peer lowered SETTINGS_MAX_FRAME_SIZE since the octets were
     * reserved (section 4.2). When the stream can no longer send (reset meanwhile), the
     * connection's share of the reservation goes back to its window before the IOException.
     */
    void sendData(Http2Stream stream, ByteBuffer chunk, boolean endStream) throws IOException {
        writeLock.lock();
        try {
            int frameSize;
            synchronized (c.lock) {
                try {
                    c.checkCanSend(stream);
                } catch (IOException e) {
                    c.returnSendWindow(chunk.remaining());
                    throw e;
                }
                frameSize = c.peer.maxFrameSize;
            }
            write(w -> writeDataFrames(w, stream.id(), chunk, endStream, frameSize));
            if (endStream) {
                endLocally(stream);
            }
        } finally {
            writeLock.unlock();
        }
        c.finishIfDrained();
    }

    /** {@code chunk} as DATA frames of at most {@code frameSize} octets, END_STREAM on the last. */
    private static void writeDataFrames(FrameWriter w, int id, ByteBuffer chunk, boolean endStream, int frameSize)
            throws IOException {
        boolean last;
        do {
            int n = Math.min(chunk.remaining(), frameSize);
            ByteBuffer frame = chunk.slice().limit(n);
            chunk.position(chunk.position() + n);
            last = !chunk.hasRemaining();
            w.data(id, frame, endStream && last);
        } while (!last);
    }

    /**
     * Takes up to {@code wanted} octets (and at most one frame's worth) from the stream's and the
     * connection's send windows, waiting while either is closed; past {@code deadline} the
     * stream is reset with CANCEL and an IOException thrown.
     */
    int reserveSendWindow(Http2Stream stream, int wanted, long deadline) throws IOException {
        synchronized (c.lock) {
            do {
                c.checkCanSend(stream);
                long window = Math.min(stream.sendWindow, c.connectionSendWindow);
                if (window > 0) {
                    int n = (int) Math.min(Math.min(wanted, window), c.peer.maxFrameSize);
                    stream.sendWindow -= n;
                    c.connectionSendWindow -= n;
                    return n;
                }
            } while (c.awaitChange(deadline));
        }
        resetLocally(stream, ErrorCode.CANCEL);
        throw new IOException(stream + ": the peer kept its flow-control window closed for "
                + TimeUnit.NANOSECONDS.toSeconds(c.writeTimeoutNanos()) + " s; stream reset");
    }

    /** The application is done with {@code bytes} of a stream's DATA: credit both windows. */
    void consumed(Http2Stream stream, int bytes) {
        int streamIncrement;
        int connectionIncrement;
        synchronized (c.lock) {
            if (bytes < 0 || bytes > stream.receiveWindow.unconsumed()) {
                if (stream.state == StreamState.CLOSED && bytes >= 0) {
                    return; // reset: its octets were given back to the connection already
                }
                throw new IllegalArgumentException(stream + ": consumed " + bytes + " octets of "
                        + stream.receiveWindow.unconsumed() + " received");
            }
            streamIncrement = stream.receiveWindow.consume(bytes);
            if (!stream.state.canReceive()) {
                streamIncrement = 0; // the peer sends nothing more on it
            }
            connectionIncrement = c.connectionReceive.consume(bytes);
        }
        sendWindowUpdates(stream.id(), streamIncrement, connectionIncrement);
    }

    /** Sends WINDOW_UPDATEs for non-zero increments; a failure closes the connection (and is logged). */
    void sendWindowUpdates(int streamId, int streamIncrement, int connectionIncrement) {
        if (streamIncrement == 0 && connectionIncrement == 0) {
            return;
        }
        try {
            sendControl(w -> {
                if (connectionIncrement > 0) {
                    w.windowUpdate(0, connectionIncrement);
                }
                if (streamIncrement > 0) {
                    w.windowUpdate(streamId, streamIncrement);
                }
            });
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "HTTP/2 WINDOW_UPDATE not sent: {0}", e.getMessage());
        }
    }

    /** The application resets a stream: RST_STREAM, unless the stream is closed already. */
    void resetLocally(Http2Stream stream, ErrorCode code) {
        try {
            sendReset(stream.id(), code, true, closed -> { });
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "HTTP/2 RST_STREAM not sent: {0}", e.getMessage());
        }
    }

    /**
     * Closes stream {@code id} (if open) and sends RST_STREAM {@code code}; the stream's
     * unconsumed octets go back to the connection window. {@code onlyIfOpen}: send nothing
     * for a stream that is closed already. {@code whenClosed} gets the stream if this closed
     * it, also when the write then fails (the stream is out of the table by then, so the
     * connection's end would not see it).
     */
    void sendReset(int id, ErrorCode code, boolean onlyIfOpen, Consumer<Http2Stream> whenClosed) throws IOException {
        Http2Stream stream = null;
        int increment = 0;
        try {
            writeLock.lock();
            try {
                synchronized (c.lock) {
                    stream = c.streams.get(id);
                    if (stream == null && onlyIfOpen) {
                        return;
                    }
                    c.streams.rememberReset(id);
                    increment = stream == null ? 0 : c.closeAbruptly(stream);
                }
                checkOpen();
                write(w -> w.rstStream(id, code));
            } finally {
                writeLock.unlock();
            }
        } finally {
            if (stream != null) {
                whenClosed.accept(stream);
            }
        }
        sendWindowUpdates(0, 0, increment);
        c.finishIfDrained();
    }

    /** We sent END_STREAM on {@code stream}. */
    private void endLocally(Http2Stream stream) {
        synchronized (c.lock) {
            stream.state = stream.state.afterLocalEnd();
            if (stream.state == StreamState.CLOSED) {
                c.close(stream);
            }
        }
    }

    /** Sends SETTINGS ACK, first bounding the HPACK encoder's table by the peer's new size ({@code tableSize} >= 0). */
    void sendSettingsAck(long tableSize) throws IOException {
        sendControl(w -> {
            if (tableSize >= 0) {
                encoder.peerMaxTableSize((int) Math.min(tableSize, Integer.MAX_VALUE));
            }
            w.settingsAck();
        });
    }

    /** Under the write lock: sends our preface first if not yet done, fails if the connection is closed. */
    void checkOpen() throws IOException {
        synchronized (c.lock) {
            if (c.closed) {
                throw new IOException("the HTTP/2 connection is closed");
            }
        }
        if (!started) {
            started = true;
            write(w -> {
                if (c.client) {
                    w.preface();
                }
                w.settings(Setting.advertised(c.ours, c.client));
                if (c.ours.connectionWindow() > Setting.DEFAULT_WINDOW) {
                    w.windowUpdate(0, c.ours.connectionWindow() - Setting.DEFAULT_WINDOW);
                }
            });
        }
    }

    /** Writes under the write lock (held); a failed write closes the connection: the stream is corrupt. */
    void write(FrameAction action) throws IOException {
        try {
            action.write(writer);
        } catch (IOException e) {
            c.closeTransport(e);
            throw e;
        }
    }
}
