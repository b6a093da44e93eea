// SPDX-License-Identifier: Apache-2.0
package multipass.rpc;

import multipass.proto.ProtoException;
import multipass.proto.ProtoReader;
import multipass.proto.ProtoWriter;

import java.util.Objects;

/**
 * An instance, or one of its snapshots, named in {@link InfoRequest} and {@link DeleteRequest}.
 *
 * <p>Models Multipass's {@code multipass.InstanceSnapshotPair} message (field numbers as there). Every
 * field is modelled.
 * Immutable; unknown fields are skipped when decoding.
 *
 * @param instanceName the instance
 * @param snapshotName the snapshot (an {@code optional} field): null when the pair names the instance itself
 */
public record InstanceSnapshotPair(String instanceName, String snapshotName) implements RpcMessage {
    /** Checks the components: nothing null but what may be absent. */
    public InstanceSnapshotPair {
        Objects.requireNonNull(instanceName, "instanceName");
    }

    @Override
    public byte[] encode() {
        ProtoWriter writer = new ProtoWriter();
        writer.writeString(1, instanceName);
        if (snapshotName != null) {
            writer.writeStringWithPresence(2, snapshotName);
        }
        return writer.toByteArray();
    }

    /** Decodes a whole message. */
    public static InstanceSnapshotPair decode(byte[] bytes) throws ProtoException {
        return read(new ProtoReader(bytes));
    }

    /** Reads a message from {@code reader} (a whole one, or one embedded in another). */
    static InstanceSnapshotPair read(ProtoReader reader) throws ProtoException {
        String instanceName = "";
        String snapshotName = null;
        for (int field = reader.nextField(); field != -1; field = reader.nextField()) {
            switch (field) {
                case 1 -> instanceName = reader.readString();
                case 2 -> snapshotName = reader.readString();
                default -> reader.skip();
            }
        }
        return new InstanceSnapshotPair(instanceName, snapshotName);
    }
}
