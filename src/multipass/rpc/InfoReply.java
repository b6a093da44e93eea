// SPDX-License-Identifier: Apache-2.0
package multipass.rpc;

import multipass.proto.ProtoException;
import multipass.proto.ProtoReader;
import multipass.proto.ProtoWriter;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The answer to an {@link InfoRequest}.
 *
 * <p>Models Multipass's {@code multipass.InfoReply} message (field numbers as there). Fields left out,
 * skipped when decoding: {@code update_info} (4).
 * Immutable; unknown fields are skipped when decoding.
 *
 * @param details one item per instance
 * @param snapshots whether the items describe snapshots
 * @param logLine a line of the daemon's log, streamed to a client that asked for verbosity
 */
public record InfoReply(List<DetailedInfoItem> details, boolean snapshots, String logLine) implements RpcMessage {
    /** Checks the components: nothing null but what may be absent. */
    public InfoReply {
        details = List.copyOf(details);
        Objects.requireNonNull(logLine, "logLine");
    }

    @Override
    public byte[] encode() {
        ProtoWriter writer = new ProtoWriter();
        for (DetailedInfoItem item : details) {
            writer.writeMessage(1, item.encode());
        }
        writer.writeBool(2, snapshots);
        writer.writeString(3, logLine);
        return writer.toByteArray();
    }

    /** Decodes a whole message. */
    public static InfoReply decode(byte[] bytes) throws ProtoException {
        return read(new ProtoReader(bytes));
    }

    /** Reads a message from {@code reader} (a whole one, or one embedded in another). */
    static InfoReply read(ProtoReader reader) throws ProtoException {
        List<DetailedInfoItem> details = new ArrayList<>();
        boolean snapshots = false;
        String logLine = "";
        for (int field = reader.nextField(); field != -1; field = reader.nextField()) {
            switch (field) {
                case 1 -> details.add(DetailedInfoItem.read(reader.readMessage()));
                case 2 -> snapshots = reader.readBool();
                case 3 -> logLine = reader.readString();
                default -> reader.skip();
            }
        }
        return new InfoReply(details, snapshots, logLine);
    }
}
