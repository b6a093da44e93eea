// SPDX-License-Identifier: Apache-2.0
package multipass.rpc;

import multipass.proto.ProtoException;
import multipass.proto.ProtoReader;
import multipass.proto.ProtoWriter;

/**
 * What {@code multipass list} sends.
 *
 * <p>Models Multipass's {@code multipass.ListRequest} message (field numbers as there). Every field is
 * modelled.
 * Immutable; unknown fields are skipped when decoding.
 *
 * @param verbosityLevel how much the daemon logs back in log_line (the number of -v given)
 * @param snapshots list snapshots rather than instances
 * @param requestIpv4 include the instances' IPv4 addresses
 */
public record ListRequest(int verbosityLevel, boolean snapshots, boolean requestIpv4) implements RpcMessage {
    @Override
    public byte[] encode() {
        ProtoWriter writer = new ProtoWriter();
        writer.writeInt32(1, verbosityLevel);
        writer.writeBool(2, snapshots);
        writer.writeBool(3, requestIpv4);
        return writer.toByteArray();
    }

    /** Decodes a whole message. */
    public static ListRequest decode(byte[] bytes) throws ProtoException {
        return read(new ProtoReader(bytes));
    }

    /** Reads a message from {@code reader} (a whole one, or one embedded in another). */
    static ListRequest read(ProtoReader reader) throws ProtoException {
        int verbosityLevel = 0;
        boolean snapshots = false;
        boolean requestIpv4 = false;
        for (int field = reader.nextField(); field != -1; field = reader.nextField()) {
            switch (field) {
                case 1 -> verbosityLevel = reader.readInt32();
                case 2 -> snapshots = reader.readBool();
                case 3 -> requestIpv4 = reader.readBool();
                default -> reader.skip();
            }
        }
        return new ListRequest(verbosityLevel, snapshots, requestIpv4);
    }
}
