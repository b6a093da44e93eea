// SPDX-License-Identifier: Apache-2.0
package multipass.hpack;

/**
 * A header block that cannot be decoded (RFC 7541 section 3.3: a decoding error is an HTTP/2
 * connection error of type COMPRESSION_ERROR), or one not worth decoding to its end: an HPACK
 * bomb ({@link #isBomb()}), which the HTTP/2 layer answers with ENHANCE_YOUR_CALM. Either way
 * the dynamic table is out of step with the peer's and the connection must end. The message
 * names what was wrong and where.
 */
public final class HpackException extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean bomb;

    public HpackException(String message) {
        this(message, false);
    }

    private HpackException(String message, boolean bomb) {
        super(message);
        this.bomb = bomb;
    }

    /** A block whose decoded list passed {@link HpackDecoder#BOMB_FACTOR} times the limit: decoding stopped there. */
    static HpackException bomb(String message) {
        return new HpackException(message, true);
    }

    /** True for an HPACK bomb: not a broken block, an abusive one. */
    public boolean isBomb() {
        return bomb;
    }
}
