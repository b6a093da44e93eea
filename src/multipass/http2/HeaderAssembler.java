// SPDX-License-Identifier: Apache-2.0
package multipass.http2;

import java.nio.ByteBuffer;

/**
 * Joins a header block's HEADERS and CONTINUATION fragments (RFC 9113 section 4.3 and
 * section 6.10). While a block is open, only CONTINUATION frames of the same stream may
 * arrive; anything else is a connection error PROTOCOL_ERROR. The encoded block is bounded by
 * {@code maxBlockSize}, checked as each fragment arrives, so a CONTINUATION flood that never
 * sets END_HEADERS is cut at the fragment that crosses the bound. Reader thread only.
 */
final class HeaderAssembler {
    /**
     * Encoded octets a block may take beyond our SETTINGS_MAX_HEADER_LIST_SIZE. HPACK nearly
     * always encodes a list smaller than the list's RFC 7541 size (32 octets per field), so a
     * list a little over the limit is still decoded and refused as a stream error (HEADERS
     * that fit the slack), while a block far beyond it ends the connection.
     */
    static final int BLOCK_SLACK = 16_384;

    private final int maxBlockSize;
    private ByteBuffer block = ByteBuffer.allocate(1024);
    private int streamId;
    private boolean endStream;
    private boolean open;

    HeaderAssembler(int maxHeaderListSize) {
        this.maxBlockSize = maxHeaderListSize + BLOCK_SLACK;
    }

    /** True between a HEADERS without END_HEADERS and the CONTINUATION with it. */
    boolean isOpen() {
        return open;
    }

    /** The stream of the open block. */
    int streamId() {
        return streamId;
    }

    /** Whether the HEADERS that began the block ended the stream. */
    boolean endStream() {
        return endStream;
    }

    /** Starts a block with a HEADERS frame's fragment. */
    void begin(Frame.Headers headers) throws Http2Exception {
        block.clear();
        streamId = headers.streamId();
        endStream = headers.endStream();
        open = true;
        append(headers.fragment());
    }

    /** Adds a CONTINUATION's fragment; it must belong to the open block. */
    void add(Frame.Continuation continuation) throws Http2Exception {
        if (!open || continuation.streamId() != streamId) {
            throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "CONTINUATION on stream " + continuation.streamId()
                    + (open ? " inside the header block of stream " + streamId : " without a header block"));
        }
        append(continuation.fragment());
    }

    /** Any other frame arrived: an error if a block is open (section 6.10). */
    void checkNotOpen(Frame frame) throws Http2Exception {
        if (open) {
            throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, frame.getClass().getSimpleName().toUpperCase()
                    + " frame on stream " + frame.streamId() + " inside the header block of stream " + streamId);
        }
    }

    /** The complete block, ready to decode; the assembler is empty again. Valid until the next {@link #begin}. */
    ByteBuffer finish() {
        open = false;
        return block.flip();
    }

    private void append(ByteBuffer fragment) throws Http2Exception {
        int needed = block.position() + fragment.remaining();
        if (needed > maxBlockSize) {
            open = false;
            throw Http2Exception.connection(ErrorCode.ENHANCE_YOUR_CALM,
                    "header block of stream " + streamId + " exceeds " + maxBlockSize + " octets");
        }
        if (needed > block.capacity()) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.min(maxBlockSize, Math.max(needed, block.capacity() * 2)));
            block.flip();
            block = bigger.put(block);
        }
        block.put(fragment);
    }
}
