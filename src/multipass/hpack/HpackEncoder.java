// SPDX-License-Identifier: Apache-2.0
package multipass.hpack;

import java.util.List;

/** Encodes header blocks of one connection (RFC 7541). Not thread-safe: callers serialize. */
public final class HpackEncoder {
    public HpackEncoder() {
    }

    /** The peer's SETTINGS_HEADER_TABLE_SIZE changed: bound our table by it (signalled in the next block). */
    public void peerMaxTableSize(int size) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** One complete header block for {@code fields}, in order. */
    public byte[] encode(List<HeaderField> fields) {
        throw new UnsupportedOperationException("skeleton");
    }
}
