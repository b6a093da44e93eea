// SPDX-License-Identifier: Apache-2.0
package multipass.proto;

/**
 * Bytes that break the Protocol Buffers wire format, or a value out of the range its message
 * allows. The message names the field number (or the byte offset of a tag that could not be
 * read) and what was wrong, never the field's contents. In gRPC terms the call that carried it
 * failed with INTERNAL (the peer sent a message this side cannot parse).
 */
public final class ProtoException extends Exception {
    private static final long serialVersionUID = 1L;

    public ProtoException(String message) {
        super(message);
    }
}
