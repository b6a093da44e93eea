// SPDX-License-Identifier: Apache-2.0
package multipass.http2;

import multipass.hpack.HeaderBlock;
import multipass.hpack.HeaderField;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.List;

/**
 * What a decoded header block does (RFC 9113 section 5.1, section 8.1): on a new identifier
 * from a client it opens a stream, within the stream identifier rules (section 5.1.1), our
 * SETTINGS_MAX_CONCURRENT_STREAMS (5.1.2) and a GOAWAY of ours (6.8); on an open stream it is
 * a response (1xx first, possibly) or trailers, which must end the stream. The list is checked
 * by {@link HeaderRules} first, and refused if it passed our header list limit. Reader thread.
 */
final class HeaderDelivery {
    private static final System.Logger LOG = LazyLogger.of(HeaderDelivery.class.getName());

    private final Http2Connection c;
    /** The HEADERS that began the current block named its own stream as its dependency (section 5.3.1). */
    boolean selfDependent;

    HeaderDelivery(Http2Connection connection) {
        this.c = connection;
    }

    /** Applies the complete, decoded block of stream {@code id}. */
    void deliver(int id, HeaderBlock block, boolean endStream) throws IOException {
        boolean dependsOnItself = selfDependent;
        selfDependent = false;
        if (dependsOnItself) {
            throw Http2Exception.stream(id, ErrorCode.PROTOCOL_ERROR, "stream " + id + " depends on itself");
        }
        Http2Stream stream;
        synchronized (c.lock) {
            stream = c.streams.get(id);
        }
        if (stream == null) {
            open(id, block, endStream);
        } else {
            onStream(stream, block, endStream);
        }
    }

    /** HEADERS on a stream not open: a client's new request, or frames still in flight after a reset. */
    private void open(int id, HeaderBlock block, boolean endStream) throws IOException {
        synchronized (c.lock) {
            if (c.streams.wasReset(id)) {
                return; // still in flight when we reset it (section 5.1, "closed")
            }
            checkNewStream(id);
        }
        if (block.tooLarge()) {
            throw tooLarge(id);
        }
        HeaderRules.checkRequest(id, block.fields());
        Http2Stream stream;
        synchronized (c.lock) {
            stream = new Http2Stream(c, id, endStream ? StreamState.HALF_CLOSED_REMOTE : StreamState.OPEN,
                    c.peer.initialWindowSize, new ReceiveWindow(c.ours.initialWindowSize(), c.streamReceiveInitial));
            c.streams.add(stream);
        }
        StreamListener listener = null;
        try {
            listener = c.acceptor.accept(stream, block.fields(), endStream);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "HTTP/2 acceptor failed on " + stream + "; resetting it", e);
        }
        if (listener == null) {
            stream.reset(ErrorCode.INTERNAL_ERROR);
            return;
        }
        stream.listener = listener;
    }

    /** Lock held: {@code id} may open a new stream now; else a stream or connection error. */
    private void checkNewStream(int id) throws Http2Exception {
        StreamTable streams = c.streams;
        if (c.client || !streams.isPeerInitiated(id)) {
            if (streams.isIdle(id) || c.client && streams.isPeerInitiated(id)) {
                throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "HEADERS opening stream " + id
                        + (c.client ? ": a server opens no streams" : ": a client opens odd streams only"));
            }
            throw Http2Exception.stream(id, ErrorCode.STREAM_CLOSED, "HEADERS on closed stream " + id);
        }
        if (streams.wasClosed(id)) {
            // Section 5.1, "closed": a frame on a closed stream may be a connection error of
            // type STREAM_CLOSED; it reuses a stream, so it is not the new identifier going
            // backwards of section 5.1.1 (PROTOCOL_ERROR), which usePeerId refuses.
            throw Http2Exception.connection(ErrorCode.STREAM_CLOSED, "HEADERS on closed stream " + id);
        }
        streams.usePeerId(id);
        if (c.goAwaySent) {
            throw Http2Exception.stream(id, ErrorCode.REFUSED_STREAM, "stream " + id + " opened after our GOAWAY");
        }
        if (streams.peerCount() >= c.ours.maxConcurrentStreams()) {
            throw Http2Exception.stream(id, ErrorCode.REFUSED_STREAM,
                    "stream " + id + " beyond SETTINGS_MAX_CONCURRENT_STREAMS " + c.ours.maxConcurrentStreams());
        }
    }

    /** A header block on an open stream: a response, or trailers. */
    private void onStream(Http2Stream stream, HeaderBlock block, boolean endStream) throws IOException {
        int id = stream.id();
        synchronized (c.lock) {
            if (!stream.state.canReceive()) {
                throw Http2Exception.stream(id, ErrorCode.STREAM_CLOSED, "HEADERS after END_STREAM on stream " + id);
            }
        }
        if (block.tooLarge()) {
            throw tooLarge(id);
        }
        List<HeaderField> fields = block.fields();
        if (c.client && !stream.responseSeen) {
            HeaderRules.checkResponse(id, fields);
            boolean informational = HeaderRules.isInformational(fields);
            if (informational && endStream) {
                throw Http2Exception.stream(id, ErrorCode.PROTOCOL_ERROR, "1xx response with END_STREAM");
            }
            stream.responseSeen = !informational;
        } else {
            if (!endStream) {
                throw Http2Exception.stream(id, ErrorCode.PROTOCOL_ERROR, "trailers without END_STREAM");
            }
            HeaderRules.checkTrailers(id, fields);
        }
        if (endStream) {
            synchronized (c.lock) {
                c.endedByPeer(stream);
            }
        }
        StreamListener listener = stream.listener;
        if (listener != null) {
            FrameHandler.deliver(stream, () -> listener.onHeaders(fields, endStream));
        }
    }

    /**
     * Over our SETTINGS_MAX_HEADER_LIST_SIZE: the stream only (RFC 9113 section 10.5.1). The
     * code is ENHANCE_YOUR_CALM, which gRPC reports as RESOURCE_EXHAUSTED.
     */
    private static Http2Exception tooLarge(int id) {
        return Http2Exception.stream(id, ErrorCode.ENHANCE_YOUR_CALM, "header list of stream " + id
                + " exceeds SETTINGS_MAX_HEADER_LIST_SIZE");
    }
}
