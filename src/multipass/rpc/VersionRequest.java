// SPDX-License-Identifier: Apache-2.0
package multipass.rpc;

import multipass.proto.ProtoException;
import multipass.proto.ProtoReader;
import multipass.proto.ProtoWriter;

/**
 * What {@code multipass version} sends.
 *
 * <p>Models Multipass's {@code multipass.VersionRequest} message (field numbers as there). Every field is
 * modelled.
 * Immutable; unknown fields are skipped when decoding.
 *
 * @param verbosityLevel how much the daemon logs back in log_line (the number of -v given)
 */
public record VersionRequest(int verbosityLevel) implements RpcMessage {
    @Override
    public byte[] encode() {
        ProtoWriter writer = new ProtoWriter();
        writer.writeInt32(1, verbosityLevel);
        return writer.toByteArray();
    }

    /** Decodes a whole message. */
    public static VersionRequest decode(byte[] bytes) throws ProtoException {
        return read(new ProtoReader(bytes));
    }

    /** Reads a message from {@code reader} (a whole one, or one embedded in another). */
    static VersionRequest read(ProtoReader reader) throws ProtoException {
        int verbosityLevel = 0;
        for (int field = reader.nextField(); field != -1; field = reader.nextField()) {
            switch (field) {
                case 1 -> verbosityLevel = reader.readInt32();
                default -> reader.skip();
            }
        }
        return new VersionRequest(verbosityLevel);
    }
}
