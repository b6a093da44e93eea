// SPDX-License-Identifier: Apache-2.0
package multipass.rpc;

import multipass.proto.ProtoException;
import multipass.proto.ProtoReader;
import multipass.proto.ProtoWriter;

import java.util.Objects;

/**
 * What {@code multipass stop} sends.
 *
 * <p>Models Multipass's {@code multipass.StopRequest} message (field numbers as there). Every field is
 * modelled.
 * Immutable; unknown fields are skipped when decoding.
 *
 * @param instanceNames the instances
 * @param timeMinutes minutes to wait before the shutdown
 * @param cancelShutdown cancel a delayed shutdown instead
 * @param verbosityLevel how much the daemon logs back in log_line (the number of -v given)
 * @param forceStop power off at once
 */
public record StopRequest(InstanceNames instanceNames, int timeMinutes, boolean cancelShutdown, int verbosityLevel, boolean forceStop) implements RpcMessage {
    /** Checks the components: nothing null but what may be absent. */
    public StopRequest {
        Objects.requireNonNull(instanceNames, "instanceNames");
    }

    @Override
    public byte[] encode() {
        ProtoWriter writer = new ProtoWriter();
        writer.writeMessage(1, instanceNames.encode());
        writer.writeInt32(2, timeMinutes);
        writer.writeBool(3, cancelShutdown);
        writer.writeInt32(4, verbosityLevel);
        writer.writeBool(5, forceStop);
        return writer.toByteArray();
    }

    /** Decodes a whole message. */
    public static StopRequest decode(byte[] bytes) throws ProtoException {
        return read(new ProtoReader(bytes));
    }

    /** Reads a message from {@code reader} (a whole one, or one embedded in another). */
    static StopRequest read(ProtoReader reader) throws ProtoException {
        InstanceNames instanceNames = InstanceNames.NONE;
        int timeMinutes = 0;
        boolean cancelShutdown = false;
        int verbosityLevel = 0;
        boolean forceStop = false;
        for (int field = reader.nextField(); field != -1; field = reader.nextField()) {
            switch (field) {
                case 1 -> instanceNames = InstanceNames.read(reader.readMessage());
                case 2 -> timeMinutes = reader.readInt32();
                case 3 -> cancelShutdown = reader.readBool();
                case 4 -> verbosityLevel = reader.readInt32();
                case 5 -> forceStop = reader.readBool();
                default -> reader.skip();
            }
        }
        return new StopRequest(instanceNames, timeMinutes, cancelShutdown, verbosityLevel, forceStop);
    }
}
