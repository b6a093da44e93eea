// SPDX-License-Identifier: Apache-2.0
package multipass.rpc;

import multipass.proto.ProtoException;
import multipass.proto.ProtoReader;

/**
 * A ping: no fields.
 *
 * <p>Models Multipass's {@code multipass.PingRequest} message (field numbers as there). Every field is modelled.
 * Immutable; unknown fields are skipped when decoding.
 */
public record PingRequest() implements RpcMessage {
    @Override
    public byte[] encode() {
        return new byte[0];
    }

    /** Decodes a whole message. */
    public static PingRequest decode(byte[] bytes) throws ProtoException {
        return read(new ProtoReader(bytes));
    }

    /** Reads a message from {@code reader} (a whole one, or one embedded in another). */
    static PingRequest read(ProtoReader reader) throws ProtoException {
        while (reader.nextField() != -1) {
            reader.skip();
        }
        return new PingRequest();
    }
}
