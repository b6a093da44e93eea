// SPDX-License-Identifier: Apache-2.0
package multipass.rpc;

import multipass.proto.ProtoException;
import multipass.proto.ProtoReader;
import multipass.proto.ProtoWriter;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of a purge.
 *
 * <p>Models Multipass's {@code multipass.PurgeReply} message (field numbers as there). Every field is
 * modelled.
 * Immutable; unknown fields are skipped when decoding.
 *
 * @param logLine a line of the daemon's log, streamed to a client that asked for verbosity
 * @param purgedInstances the names of the instances removed
 */
public record PurgeReply(String logLine, List<String> purgedInstances) implements RpcMessage {
    /** Checks the components: nothing null but what may be absent. */
    public PurgeReply {
        Objects.requireNonNull(logLine, "logLine");
        purgedInstances = List.copyOf(purgedInstances);
    }

    @Override
    public byte[] encode() {
        ProtoWriter writer = new ProtoWriter();
        writer.writeString(1, logLine);
        writer.writeRepeatedString(2, purgedInstances);
        return writer.toByteArray();
    }

    /** Decodes a whole message. */
    public static PurgeReply decode(byte[] bytes) throws ProtoException {
        return read(new ProtoReader(bytes));
    }

    /** Reads a message from {@code reader} (a whole one, or one embedded in another). */
    static PurgeReply read(ProtoReader reader) throws ProtoException {
        String logLine = "";
        List<String> purgedInstances = new ArrayList<>();
        for (int field = reader.nextField(); field != -1; field = reader.nextField()) {
            switch (field) {
                case 1 -> logLine = reader.readString();
                case 2 -> purgedInstances.add(reader.readString());
                default -> reader.skip();
            }
        }
        return new PurgeReply(logLine, purgedInstances);
    }
}
