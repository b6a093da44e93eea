// SPDX-License-Identifier: Apache-2.0
package multipass.rpc;

import multipass.proto.ProtoException;
import multipass.proto.ProtoReader;
import multipass.proto.ProtoWriter;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@code multipass delete} sends.
 *
 * <p>Models Multipass's {@code multipass.DeleteRequest} message (field numbers as there). Every field is
 * modelled.
 * Immutable; unknown fields are skipped when decoding.
 *
 * @param instanceSnapshotPairs the instances or snapshots
 * @param purge remove them for good rather than mark them deleted
 * @param verbosityLevel how much the daemon logs back in log_line (the number of -v given)
 * @param purgeSnapshots the user agreed to lose the instances' snapshots
 */
public record DeleteRequest(List<InstanceSnapshotPair> instanceSnapshotPairs, boolean purge, int verbosityLevel, boolean purgeSnapshots) implements RpcMessage {
    /** Checks the components: nothing null but what may be absent. */
    public DeleteRequest {
        instanceSnapshotPairs = List.copyOf(instanceSnapshotPairs);
    }

    @Override
    public byte[] encode() {
        ProtoWriter writer = new ProtoWriter();
        for (InstanceSnapshotPair item : instanceSnapshotPairs) {
            writer.writeMessage(1, item.encode());
        }
        writer.writeBool(2, purge);
        writer.writeInt32(3, verbosityLevel);
        writer.writeBool(4, purgeSnapshots);
        return writer.toByteArray();
    }

    /** Decodes a whole message. */
    public static DeleteRequest decode(byte[] bytes) throws ProtoException {
        return read(new ProtoReader(bytes));
    }

    /** Reads a message from {@code reader} (a whole one, or one embedded in another). */
    static DeleteRequest read(ProtoReader reader) throws ProtoException {
        List<InstanceSnapshotPair> instanceSnapshotPairs = new ArrayList<>();
        boolean purge = false;
        int verbosityLevel = 0;
        boolean purgeSnapshots = false;
        for (int field = reader.nextField(); field != -1; field = reader.nextField()) {
            switch (field) {
                case 1 -> instanceSnapshotPairs.add(InstanceSnapshotPair.read(reader.readMessage()));
                case 2 -> purge = reader.readBool();
                case 3 -> verbosityLevel = reader.readInt32();
                case 4 -> purgeSnapshots = reader.readBool();
                default -> reader.skip();
            }
        }
        return new DeleteRequest(instanceSnapshotPairs, purge, verbosityLevel, purgeSnapshots);
    }
}
