// SPDX-License-Identifier: Apache-2.0
package multipass.grpc;

import java.nio.ByteBuffer;

/**
 * The Length-Prefixed-Message of grpc's doc/PROTOCOL-HTTP2.md: a Compressed-Flag byte, the
 * Message-Length as an unsigned 32-bit big-endian integer, then the message. We send only
 * uncompressed messages (flag 0); {@link MessageReader} is the receiving half.
 */
public final class MessageFraming {
    /** The prefix: one flag byte and four length bytes. */
    public static final int PREFIX_LENGTH = 5;
    /** Compressed-Flag 0: the message bytes are as the application wrote them. */
    static final int FLAG_IDENTITY = 0;
    /** Compressed-Flag 1: compressed with the call's grpc-encoding. */
    static final int FLAG_COMPRESSED = 1;

    private MessageFraming() {
    }

    /** {@code message} with its prefix, ready for DATA frames (position 0, limit the end). */
    public static ByteBuffer frame(byte[] message) {
        ByteBuffer framed = ByteBuffer.allocate(PREFIX_LENGTH + message.length);
        framed.put((byte) FLAG_IDENTITY).putInt(message.length).put(message);
        return framed.flip();
    }
}
