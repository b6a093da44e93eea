// SPDX-License-Identifier: Apache-2.0
package multipass.grpc;

import multipass.api.Status;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Assembles Length-Prefixed-Messages (grpc's doc/PROTOCOL-HTTP2.md) from DATA payloads split
 * anywhere. The length is checked against the limit as soon as the prefix is complete, before
 * a byte of the message is buffered, and the buffer grows only with the bytes that came, so a
 * prefix that claims 4 GiB costs nothing. Buffered bytes are reserved from the connection's
 * {@link MemoryBudget}. After it throws, a reader is finished. Not thread-safe: one call's
 * messages, read by one thread at a time.
 */
final class MessageReader {
    /** The first buffer for a message; it doubles, up to the announced length, as bytes come. */
    static final int INITIAL_BUFFER = 16 * 1024;

    private final int maxMessage;
    private final MemoryBudget budget;
    private final ByteBuffer prefix = ByteBuffer.allocate(MessageFraming.PREFIX_LENGTH);
    private int length = -1;
    private byte[] body;
    private int filled;
    private long reserved;

    /**
     * @param maxMessage the largest message accepted, in bytes (RESOURCE_EXHAUSTED past it)
     * @param budget     what buffered bytes are reserved from
     */
    MessageReader(int maxMessage, MemoryBudget budget) {
        this.maxMessage = maxMessage;
        this.budget = budget;
    }

    /**
     * Takes bytes from {@code src} until a message is complete, and returns it; returns null
     * when {@code src} ran out first (the bytes taken are kept for the next call).
     *
     * @throws GrpcException RESOURCE_EXHAUSTED for a message over the limit or the budget,
     *                       UNIMPLEMENTED for a compressed one, INTERNAL for a flag that is neither 0 nor 1
     */
    byte[] read(ByteBuffer src) throws GrpcException {
        while (src.hasRemaining()) {
            if (length < 0) {
                readPrefix(src);
                if (length == 0) {
                    return finish();
                }
            } else {
                int n = Math.min(src.remaining(), length - filled);
                ensureCapacity(filled + n);
                src.get(body, filled, n);
                filled += n;
                if (filled == length) {
                    return finish();
                }
            }
        }
        return null;
    }

    /** True when part of a message (its prefix or its bytes) has been taken and the rest has not. */
    boolean midMessage() {
        return length >= 0 || prefix.position() > 0;
    }

    /** Gives the buffered bytes back to the budget: the call ended with a message incomplete. */
    void release() {
        budget.release(reserved);
        reserved = 0;
        body = null;
    }

    private void readPrefix(ByteBuffer src) throws GrpcException {
        while (prefix.hasRemaining() && src.hasRemaining()) {
            prefix.put(src.get());
        }
        if (prefix.hasRemaining()) {
            return;
        }
        int flag = prefix.get(0) & 0xFF;
        long announced = Integer.toUnsignedLong(prefix.getInt(1));
        prefix.clear();
        if (flag == MessageFraming.FLAG_COMPRESSED) {
            throw new GrpcException(Status.UNIMPLEMENTED, "received a compressed message, but no grpc-encoding was negotiated"
                    + " (only identity is supported)");
        }
        if (flag != MessageFraming.FLAG_IDENTITY) {
            throw new GrpcException(Status.INTERNAL, "invalid compressed flag " + flag + " in a message prefix");
        }
        if (announced > maxMessage) {
            throw new GrpcException(Status.RESOURCE_EXHAUSTED, "received a message of " + announced + " bytes, over the limit of "
                    + maxMessage + " bytes");
        }
        length = (int) announced;
        filled = 0;
    }

    private void ensureCapacity(int needed) throws GrpcException {
        int capacity = body == null ? 0 : body.length;
        if (needed <= capacity) {
            return;
        }
        int grown = (int) Math.min(length, Math.max(needed, Math.max(INITIAL_BUFFER, 2L * capacity)));
        if (!budget.reserve(grown - capacity)) {
            throw budget.exhausted();
        }
        reserved += grown - capacity;
        body = body == null ? new byte[grown] : Arrays.copyOf(body, grown);
    }

    private byte[] finish() {
        byte[] message = length == 0 ? new byte[0] : body.length == length ? body : Arrays.copyOf(body, length);
        budget.release(reserved);
        reserved = 0;
        body = null;
        length = -1;
        return message;
    }
}
