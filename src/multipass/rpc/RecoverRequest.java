// SPDX-License-Identifier: Apache-2.0
package multipass.rpc;

import multipass.proto.ProtoException;
import multipass.proto.ProtoReader;
import multipass.proto.ProtoWriter;

import java.util.Objects;

/**
 * What {@code multipass recover} sends: bring deleted instances back.
 *
 * <p>Models Multipass's {@code multipass.RecoverRequest} message (field numbers as there). Every field is
 * modelled.
 * Immutable; unknown fields are skipped when decoding.
 *
 * @param instanceNames the instances
 * @param verbosityLevel how much the daemon logs back in log_line (the number of -v given)
 */
public record RecoverRequest(InstanceNames instanceNames, int verbosityLevel) implements RpcMessage {
    /** Checks the components: nothing null but what may be absent. */
    public RecoverRequest {
        Objects.requireNonNull(instanceNames, "instanceNames");
    }

    @Override
    public byte[] encode() {
        ProtoWriter writer = new ProtoWriter();
        writer.writeMessage(1, instanceNames.encode());
        writer.writeInt32(2, verbosityLevel);
        return writer.toByteArray();
    }

    /** Decodes a whole message. */
    public static RecoverRequest decode(byte[] bytes) throws ProtoException {
        return read(new ProtoReader(bytes));
    }

    /** Reads a message from {@code reader} (a whole one, or one embedded in another). */
    static RecoverRequest read(ProtoReader reader) throws ProtoException {
        InstanceNames instanceNames = InstanceNames.NONE;
        int verbosityLevel = 0;
        for (int field = reader.nextField(); field != -1; field = reader.nextField()) {
            switch (field) {
                case 1 -> instanceNames = InstanceNames.read(reader.readMessage());
                case 2 -> verbosityLevel = reader.readInt32();
                default -> reader.skip();
            }
        }
        return new RecoverRequest(instanceNames, verbosityLevel);
    }
}
