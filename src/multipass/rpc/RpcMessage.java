// SPDX-License-Identifier: Apache-2.0
package multipass.rpc;

import multipass.proto.ProtoException;

/**
 * A message of an RPC, as the records of this package are: immutable values that encode to the
 * Protocol Buffers wire format and decode from it with a static {@code decode(byte[])} (a
 * {@link Decoder}, e.g. {@code LaunchReply::decode}). The gRPC layer carries the bytes.
 */
public interface RpcMessage {
    /** The message in the Protocol Buffers wire format, proto3 defaults left out. */
    byte[] encode();

    /** A message type's {@code decode}: whole bytes in, a message out, unknown fields skipped. */
    @FunctionalInterface
    interface Decoder<T extends RpcMessage> {
        /** @throws ProtoException if {@code bytes} break the wire format or the message's rules */
        T decode(byte[] bytes) throws ProtoException;
    }
}
