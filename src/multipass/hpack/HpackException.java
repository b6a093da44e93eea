// SPDX-License-Identifier: Apache-2.0
package multipass.hpack;

/**
 * A header block that cannot be decoded (RFC 7541 section 3.3: a decoding error is an HTTP/2
 * connection error of type COMPRESSION_ERROR). The message names what was wrong and where.
 */
public final class HpackException extends Exception {
    private static final long serialVersionUID = 1L;

    public HpackException(String message) {
        super(message);
    }
}
