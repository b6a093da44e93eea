// SPDX-License-Identifier: Apache-2.0
package multipass.http2;

import multipass.hpack.HeaderBlock;
import multipass.hpack.HpackDecoder;
import multipass.hpack.HpackException;
import multipass.transport.ByteStream;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;

/**
 * The reading side of an {@link Http2Connection}: reads each frame and applies RFC 9113's
 * rules for it (section 5.1 states, section 6 per frame type, section 6.9 flow control),
 * turning a stream error into RST_STREAM here and letting a connection error end the loop.
 * Header blocks are assembled ({@link HeaderAssembler}), decoded and checked
 * ({@link HeaderRules}) before the listener sees them. Runs on the reader thread only.
 */
final class FrameHandler {
    private static final System.Logger LOG = LazyLogger.of(FrameHandler.class.getName());

    private final Http2Connection c;
    private final FrameReader reader;
    private final HeaderAssembler assembler;
    private final HpackDecoder decoder;
    private final AbuseLimits limits = new AbuseLimits();
    private final HeaderDelivery headers;
    private boolean settingsSeen;

    FrameHandler(Http2Connection connection, ByteStream io) {
        this.c = connection;
        this.reader = new FrameReader(io, connection.ours.maxFrameSize());
        this.assembler = new HeaderAssembler(connection.ours.maxHeaderListSize());
        this.decoder = new HpackDecoder(connection.ours.headerTableSize(), connection.ours.maxHeaderListSize());
        this.headers = new HeaderDelivery(connection);
    }

    /** Reads frames until the peer closes between frames or the connection closes; throws connection errors. */
    void run() throws IOException {
        if (!c.client) {
            reader.readPreface();
        }
        while (!c.isClosed()) {
            try {
                Frame frame = reader.read();
                if (frame == null) {
                    LOG.log(Level.DEBUG, "HTTP/2 peer closed the connection");
                    return;
                }
                handle(frame);
            } catch (Http2Exception e) {
                if (e.isConnectionError()) {
                    throw e;
                }
                LOG.log(Level.DEBUG, "HTTP/2 {0}", e.getMessage());
                limits.ourResets.count();
                ErrorCode code = e.code();
                c.outbound.sendReset(e.streamId(), code, false, stream -> deliverReset(stream, code));
            }
            c.finishIfDrained();
        }
    }

    private void handle(Frame frame) throws IOException {
        if (!settingsSeen) {
            if (!(frame instanceof Frame.Settings settings) || settings.ack()) {
                throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR,
                        "the peer's first frame is not SETTINGS but " + frame.getClass().getSimpleName());
            }
            settingsSeen = true;
        }
        if (frame instanceof Frame.Continuation continuation) {
            continuation(continuation);
            return;
        }
        assembler.checkNotOpen(frame);
        if (frame instanceof Frame.Data data) {
            data(data);
        } else if (frame instanceof Frame.Headers h) {
            headers(h);
        } else if (frame instanceof Frame.Priority priority) {
            priority(priority);
        } else if (frame instanceof Frame.RstStream rst) {
            rstStream(rst);
        } else if (frame instanceof Frame.Settings settings) {
            settings(settings);
        } else if (frame instanceof Frame.PushPromise) {
            throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "PUSH_PROMISE, but push is never enabled");
        } else if (frame instanceof Frame.Ping ping) {
            ping(ping);
        } else if (frame instanceof Frame.GoAway goAway) {
            goAway(goAway);
        } else if (frame instanceof Frame.WindowUpdate update) {
            windowUpdate(update);
        }
        // Frame.Unknown: ignored (section 5.5).
    }

    /** DATA (section 6.1): counted against both receive windows before anything else. */
    private void data(Frame.Data d) throws IOException {
        int length = d.flowLength();
        if (length == 0 && !d.endStream()) {
            limits.emptyFrames.count();
        }
        Http2Stream stream = admitData(d);
        if (stream == null) {
            return; // a stream we reset: its data was still in flight
        }
        int padding = length - d.data().remaining();
        if (padding > 0) {
            c.outbound.consumed(stream, padding);
        }
        StreamListener listener = stream.listener;
        if (listener != null) {
            deliver(stream, () -> listener.onData(d.data(), d.endStream()));
        }
    }

    /**
     * Counts DATA against the windows and the stream's state: returns its open stream, null
     * for a stream we reset lately, or throws. Octets that reach no stream go back to the
     * connection window at once.
     */
    private Http2Stream admitData(Frame.Data d) throws IOException {
        int id = d.streamId();
        int length = d.flowLength();
        Http2Stream stream;
        Http2Exception refusal = null;
        int giveBack = 0;
        synchronized (c.lock) {
            if (!c.connectionReceive.receive(length)) {
                throw Http2Exception.connection(ErrorCode.FLOW_CONTROL_ERROR,
                        "DATA of " + length + " octets on stream " + id + " exceeds the connection window");
            }
            stream = c.streams.get(id);
            if (stream == null) {
                if (c.streams.isIdle(id)) {
                    throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "DATA on idle stream " + id);
                }
                if (!c.streams.wasReset(id)) {
                    refusal = Http2Exception.stream(id, ErrorCode.STREAM_CLOSED, "DATA on closed stream " + id);
                }
            } else if (!stream.state.canReceive()) {
                refusal = Http2Exception.stream(id, ErrorCode.STREAM_CLOSED, "DATA after END_STREAM on stream " + id);
            } else if (!stream.receiveWindow.receive(length)) {
                refusal = Http2Exception.stream(id, ErrorCode.FLOW_CONTROL_ERROR,
                        "DATA of " + length + " octets exceeds the window of stream " + id);
            }
            if (stream == null || refusal != null) {
                giveBack = c.connectionReceive.consume(length);
            } else if (d.endStream()) {
                c.endedByPeer(stream);
            }
        }
        c.outbound.sendWindowUpdates(0, 0, giveBack);
        if (refusal != null) {
            throw refusal;
        }
        return stream;
    }

    /** HEADERS (section 6.2): begins a header block; a priority naming the stream itself is a stream error. */
    private void headers(Frame.Headers h) throws IOException {
        if (!h.fragment().hasRemaining() && !h.endHeaders()) {
            limits.emptyFrames.count();
        }
        assembler.begin(h);
        headers.selfDependent = h.dependency() == h.streamId();
        if (h.endHeaders()) {
            blockDone();
        }
    }

    /** CONTINUATION (section 6.10). */
    private void continuation(Frame.Continuation continuation) throws IOException {
        if (!continuation.fragment().hasRemaining() && !continuation.endHeaders()) {
            limits.emptyFrames.count();
        }
        assembler.add(continuation);
        if (continuation.endHeaders()) {
            blockDone();
        }
    }

    /** A complete header block: decoded always (the HPACK table must follow the peer's), then applied. */
    private void blockDone() throws IOException {
        int id = assembler.streamId();
        boolean endStream = assembler.endStream();
        HeaderBlock block;
        try {
            block = decoder.decode(assembler.finish());
        } catch (HpackException e) {
            throw Http2Exception.connection(e.isBomb() ? ErrorCode.ENHANCE_YOUR_CALM : ErrorCode.COMPRESSION_ERROR, "stream " + id + ": " + e.getMessage());
        }
        headers.deliver(id, block, endStream);
    }

    /** PRIORITY (section 6.3): ignored, apart from a stream depending on itself. */
    private void priority(Frame.Priority priority) throws Http2Exception {
        limits.priorities.count();
        if (priority.dependency() == priority.streamId()) {
            throw Http2Exception.stream(priority.streamId(), ErrorCode.PROTOCOL_ERROR,
                    "stream " + priority.streamId() + " depends on itself");
        }
    }

    /** RST_STREAM (section 6.4): the stream closes; on an idle stream it is a connection error. */
    private void rstStream(Frame.RstStream rst) throws IOException {
        int id = rst.streamId();
        Http2Stream stream;
        int increment;
        synchronized (c.lock) {
            stream = c.streams.get(id);
            if (stream == null) {
                if (c.streams.isIdle(id)) {
                    throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "RST_STREAM on idle stream " + id);
                }
                return;
            }
            stream.refused = rst.code() == ErrorCode.REFUSED_STREAM.code();
            increment = c.closeAbruptly(stream);
        }
        if (c.streams.isPeerInitiated(id)) {
            limits.peerResets.count();
        }
        c.outbound.sendWindowUpdates(0, 0, increment);
        deliverReset(stream, ErrorCode.of(rst.code()));
        c.finishIfDrained();
    }

    /** SETTINGS (section 6.5): applied in order, then acknowledged; an ACK makes our window setting final. */
    private void settings(Frame.Settings settings) throws IOException {
        if (settings.ack()) {
            synchronized (c.lock) {
                FlowControl.ourSettingsAcknowledged(c);
            }
            return;
        }
        limits.settings.count();
        Long tableSize = null;
        synchronized (c.lock) {
            int before = c.peer.initialWindowSize;
            for (Setting setting : settings.settings()) {
                c.peer.apply(setting);
                if (setting.id() == Setting.HEADER_TABLE_SIZE) {
                    tableSize = setting.value();
                }
            }
            FlowControl.peerInitialWindowChanged(c, c.peer.initialWindowSize - before);
            c.lock.notifyAll(); // a larger MAX_CONCURRENT_STREAMS or window may unblock a writer
        }
        long size = tableSize == null ? -1 : tableSize;
        c.outbound.sendSettingsAck(size);
    }

    /** PING (section 6.7): answered with the same 8 octets. */
    private void ping(Frame.Ping ping) throws IOException {
        if (ping.ack()) {
            c.pingAcknowledged(ping.data());
            return;
        }
        limits.pings.count();
        c.outbound.sendControl(w -> w.ping(true, ping.data()));
    }

    /** GOAWAY (section 6.8): no new streams; ours above the last stream it names were not processed. */
    private void goAway(Frame.GoAway goAway) {
        ErrorCode code = ErrorCode.of(goAway.code());
        if (code != ErrorCode.NO_ERROR) {
            LOG.log(Level.DEBUG, "HTTP/2 peer sent GOAWAY {0}: {1}", code, goAway.debug());
        }
        List<Http2Stream> refused = new ArrayList<>();
        synchronized (c.lock) {
            c.goAwayReceived = true;
            for (Http2Stream stream : c.streams.all()) {
                if (!c.streams.isPeerInitiated(stream.id()) && stream.id() > goAway.lastStreamId()) {
                    stream.refused = true;
                    c.close(stream);
                    refused.add(stream);
                }
            }
            c.lock.notifyAll();
        }
        for (Http2Stream stream : refused) {
            deliverReset(stream, ErrorCode.REFUSED_STREAM);
        }
    }

    /** WINDOW_UPDATE (section 6.9): increment 0 and overflow past 2^31-1 are errors. */
    private void windowUpdate(Frame.WindowUpdate update) throws Http2Exception {
        synchronized (c.lock) {
            FlowControl.windowUpdate(c, update.streamId(), update.increment());
        }
    }

    /**
     * Calls a listener; one that throws has its stream reset with INTERNAL_ERROR, and is told
     * so (onReset) whether or not the RST_STREAM could be written.
     */
    static void deliver(Http2Stream stream, Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "HTTP/2 listener of " + stream + " failed; resetting it", e);
            try {
                stream.reset(ErrorCode.INTERNAL_ERROR);
            } finally {
                deliverReset(stream, ErrorCode.INTERNAL_ERROR);
            }
        }
    }

    /**
     * Tells a stream's listener it was reset (nothing when {@code stream} is null or has no
     * listener yet). At most once: the listener is forgotten first. Reader thread only.
     */
    static void deliverReset(Http2Stream stream, ErrorCode code) {
        if (stream == null || stream.listener == null) {
            return;
        }
        StreamListener listener = stream.listener;
        stream.listener = null;
        try {
            listener.onReset(code);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "HTTP/2 listener of " + stream + " failed in onReset", e);
        }
    }
}
