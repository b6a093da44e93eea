// SPDX-License-Identifier: Apache-2.0
package multipass.grpc;

/**
 * The bounds a {@link GrpcServer} enforces on each connection (grpc's doc/PROTOCOL-HTTP2.md
 * leaves message sizes to the implementation; grpc's own servers default to 4 MiB).
 *
 * @param maxReceiveMessage the largest request message, in bytes: RESOURCE_EXHAUSTED past it,
 *                          judged from the message's prefix
 * @param maxBuffered       the bytes one connection may hold across all its streams of requests
 *                          its calls have not taken yet (DATA queued for a call, incomplete
 *                          messages): RESOURCE_EXHAUSTED on the stream that passes it
 */
public record GrpcLimits(int maxReceiveMessage, long maxBuffered) {
    /** The default largest message: 4 MiB. */
    public static final int MAX_RECEIVE_MESSAGE = 4 << 20;
    /** The default bytes of incomplete messages per connection: 8 MiB. */
    public static final long MAX_BUFFERED_PER_CONNECTION = 8L << 20;
    /** The daemon's bounds. */
    public static final GrpcLimits DEFAULTS = new GrpcLimits(MAX_RECEIVE_MESSAGE, MAX_BUFFERED_PER_CONNECTION);

    public GrpcLimits {
        if (maxReceiveMessage < 0 || maxBuffered <= 0) {
            throw new IllegalArgumentException("gRPC limits must be positive: " + maxReceiveMessage + ", " + maxBuffered);
        }
    }
}
