// SPDX-License-Identifier: Apache-2.0
package multipass.rpc;

import multipass.proto.ProtoException;
import multipass.proto.ProtoReader;
import multipass.proto.ProtoWriter;

import java.util.Objects;

/**
 * One instance in an {@link InfoReply}.
 *
 * <p>Models Multipass's {@code multipass.DetailedInfoItem} message (field numbers as there). Fields left
 * out, skipped when decoding: {@code mount_info} (6), {@code snapshot_info} (8), {@code zone} (9).
 * Field 8, a member of the {@code extra_info} oneof not modelled here, replaces {@code instanceInfo} on
 * the wire (the last member wins), so {@code instanceInfo} then decodes as null.
 * Immutable; unknown fields are skipped when decoding.
 *
 * @param name the instance's name
 * @param instanceStatus its state (UNKNOWN when absent)
 * @param memoryTotal its memory
 * @param diskTotal its disk
 * @param cpuCount its CPUs
 * @param instanceInfo the details of an instance (the extra_info oneof), or null
 */
public record DetailedInfoItem(String name, InstanceStatus instanceStatus, String memoryTotal, String diskTotal, String cpuCount, InstanceDetails instanceInfo) implements RpcMessage {
    /** Checks the components: nothing null but what may be absent. */
    public DetailedInfoItem {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(instanceStatus, "instanceStatus");
        Objects.requireNonNull(memoryTotal, "memoryTotal");
        Objects.requireNonNull(diskTotal, "diskTotal");
        Objects.requireNonNull(cpuCount, "cpuCount");
    }

    @Override
    public byte[] encode() {
        ProtoWriter writer = new ProtoWriter();
        writer.writeString(1, name);
        writer.writeMessage(2, instanceStatus.encode());
        writer.writeString(3, memoryTotal);
        writer.writeString(4, diskTotal);
        writer.writeString(5, cpuCount);
        if (instanceInfo != null) {
            writer.writeMessage(7, instanceInfo.encode());
        }
        return writer.toByteArray();
    }

    /** Decodes a whole message. */
    public static DetailedInfoItem decode(byte[] bytes) throws ProtoException {
        return read(new ProtoReader(bytes));
    }

    /** Reads a message from {@code reader} (a whole one, or one embedded in another). */
    static DetailedInfoItem read(ProtoReader reader) throws ProtoException {
        String name = "";
        InstanceStatus instanceStatus = InstanceStatus.UNKNOWN;
        String memoryTotal = "";
        String diskTotal = "";
        String cpuCount = "";
        InstanceDetails instanceInfo = null;
        for (int field = reader.nextField(); field != -1; field = reader.nextField()) {
            switch (field) {
                case 1 -> name = reader.readString();
                case 2 -> instanceStatus = InstanceStatus.read(reader.readMessage());
                case 3 -> memoryTotal = reader.readString();
                case 4 -> diskTotal = reader.readString();
                case 5 -> cpuCount = reader.readString();
                case 7 -> instanceInfo = InstanceDetails.read(reader.readMessage());
                case 8 -> { // another member of the extra_info oneof, not modelled: it replaces ours
                    instanceInfo = null;
                    reader.skip();
                }
                default -> reader.skip();
            }
        }
        return new DetailedInfoItem(name, instanceStatus, memoryTotal, diskTotal, cpuCount, instanceInfo);
    }
}
