// SPDX-License-Identifier: Apache-2.0
package multipass.rpc;

import multipass.proto.ProtoException;
import multipass.proto.ProtoReader;
import multipass.proto.ProtoWriter;

import java.util.Objects;

/**
 * The answer to a {@link ListRequest}.
 *
 * <p>Models Multipass's {@code multipass.ListReply} message (field numbers as there). Fields left out,
 * skipped when decoding: {@code snapshot_list} (2), {@code update_info} (4).
 * Field 2, a member of the {@code list_contents} oneof not modelled here, replaces {@code instanceList} on
 * the wire (the last member wins), so {@code instanceList} then decodes as null.
 * Immutable; unknown fields are skipped when decoding.
 *
 * @param instanceList the instances (the list_contents oneof), or null; written whenever present, even
 *     with no instances
 * @param logLine a line of the daemon's log, streamed to a client that asked for verbosity
 */
public record ListReply(InstancesList instanceList, String logLine) implements RpcMessage {
    /** Checks the components: nothing null but what may be absent. */
    public ListReply {
        Objects.requireNonNull(logLine, "logLine");
    }

    @Override
    public byte[] encode() {
        ProtoWriter writer = new ProtoWriter();
        if (instanceList != null) {
            writer.writeMessage(1, instanceList.encode());
        }
        writer.writeString(3, logLine);
        return writer.toByteArray();
    }

    /** Decodes a whole message. */
    public static ListReply decode(byte[] bytes) throws ProtoException {
        return read(new ProtoReader(bytes));
    }

    /** Reads a message from {@code reader} (a whole one, or one embedded in another). */
    static ListReply read(ProtoReader reader) throws ProtoException {
        InstancesList instanceList = null;
        String logLine = "";
        for (int field = reader.nextField(); field != -1; field = reader.nextField()) {
            switch (field) {
                case 1 -> instanceList = InstancesList.read(reader.readMessage());
                case 2 -> { // another member of the list_contents oneof, not modelled: it replaces ours
                    instanceList = null;
                    reader.skip();
                }
                case 3 -> logLine = reader.readString();
                default -> reader.skip();
            }
        }
        return new ListReply(instanceList, logLine);
    }
}
