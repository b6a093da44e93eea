// SPDX-License-Identifier: Apache-2.0
package multipass.hpack;

import java.nio.ByteBuffer;

/** Decodes header blocks of one connection (RFC 7541); keeps the dynamic table between blocks. Not thread-safe. */
public final class HpackDecoder {
    /**
     * @param maxTableSize      the dynamic table size we advertise (SETTINGS_HEADER_TABLE_SIZE)
     * @param maxHeaderListSize the decoded list we accept (SETTINGS_MAX_HEADER_LIST_SIZE)
     */
    public HpackDecoder(int maxTableSize, int maxHeaderListSize) {
    }

    /** Decodes one complete header block (all of {@code block}'s remaining bytes). */
    public HeaderBlock decode(ByteBuffer block) throws HpackException {
        throw new UnsupportedOperationException("skeleton");
    }
}
