// SPDX-License-Identifier: Apache-2.0
package multipass.rpc;

import multipass.proto.ProtoException;
import multipass.proto.ProtoReader;
import multipass.proto.ProtoWriter;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@code multipass info} asks about.
 *
 * <p>Models Multipass's {@code multipass.InfoRequest} message (field numbers as there). Every field is
 * modelled.
 * Immutable; unknown fields are skipped when decoding.
 *
 * @param instanceSnapshotPairs the instances or snapshots; none for all
 * @param verbosityLevel how much the daemon logs back in log_line (the number of -v given)
 * @param noRuntimeInformation leave out what needs the instance running
 * @param snapshots describe snapshots rather than instances
 */
public record InfoRequest(List<InstanceSnapshotPair> instanceSnapshotPairs, int verbosityLevel, boolean noRuntimeInformation, boolean snapshots) implements RpcMessage {
    /** Checks the components: nothing null but what may be absent. */
    public InfoRequest {
        instanceSnapshotPairs = List.copyOf(instanceSnapshotPairs);
    }

    @Override
    public byte[] encode() {
        ProtoWriter writer = new ProtoWriter();
        for (InstanceSnapshotPair item : instanceSnapshotPairs) {
            writer.writeMessage(1, item.encode());
        }
        writer.writeInt32(3, verbosityLevel);
        writer.writeBool(4, noRuntimeInformation);
        writer.writeBool(5, snapshots);
        return writer.toByteArray();
    }

    /** Decodes a whole message. */
    public static InfoRequest decode(byte[] bytes) throws ProtoException {
        return read(new ProtoReader(bytes));
    }

    /** Reads a message from {@code reader} (a whole one, or one embedded in another). */
    static InfoRequest read(ProtoReader reader) throws ProtoException {
        List<InstanceSnapshotPair> instanceSnapshotPairs = new ArrayList<>();
        int verbosityLevel = 0;
        boolean noRuntimeInformation = false;
        boolean snapshots = false;
        for (int field = reader.nextField(); field != -1; field = reader.nextField()) {
            switch (field) {
                case 1 -> instanceSnapshotPairs.add(InstanceSnapshotPair.read(reader.readMessage()));
                case 3 -> verbosityLevel = reader.readInt32();
                case 4 -> noRuntimeInformation = reader.readBool();
                case 5 -> snapshots = reader.readBool();
                default -> reader.skip();
            }
        }
        return new InfoRequest(instanceSnapshotPairs, verbosityLevel, noRuntimeInformation, snapshots);
    }
}
