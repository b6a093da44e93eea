// SPDX-License-Identifier: Apache-2.0
package multipass.rpc;

import multipass.proto.ProtoException;
import multipass.proto.ProtoReader;
import multipass.proto.ProtoWriter;

import java.util.Objects;

/**
 * What {@code multipass start} sends.
 *
 * <p>Models Multipass's {@code multipass.StartRequest} message (field numbers as there). Fields left out,
 * skipped when decoding: {@code password} (4).
 * Immutable; unknown fields are skipped when decoding.
 *
 * @param instanceNames the instances
 * @param verbosityLevel how much the daemon logs back in log_line (the number of -v given)
 * @param timeout seconds to wait for the instances, 0 for the default
 */
public record StartRequest(InstanceNames instanceNames, int verbosityLevel, int timeout) implements RpcMessage {
    /** Checks the components: nothing null but what may be absent. */
    public StartRequest {
        Objects.requireNonNull(instanceNames, "instanceNames");
    }

    @Override
    public byte[] encode() {
        ProtoWriter writer = new ProtoWriter();
        writer.writeMessage(1, instanceNames.encode());
        writer.writeInt32(2, verbosityLevel);
        writer.writeInt32(3, timeout);
        return writer.toByteArray();
    }

    /** Decodes a whole message. */
    public static StartRequest decode(byte[] bytes) throws ProtoException {
        return read(new ProtoReader(bytes));
    }

    /** Reads a message from {@code reader} (a whole one, or one embedded in another). */
    static StartRequest read(ProtoReader reader) throws ProtoException {
        InstanceNames instanceNames = InstanceNames.NONE;
        int verbosityLevel = 0;
        int timeout = 0;
        for (int field = reader.nextField(); field != -1; field = reader.nextField()) {
            switch (field) {
                case 1 -> instanceNames = InstanceNames.read(reader.readMessage());
                case 2 -> verbosityLevel = reader.readInt32();
                case 3 -> timeout = reader.readInt32();
                default -> reader.skip();
            }
        }
        return new StartRequest(instanceNames, verbosityLevel, timeout);
    }
}
