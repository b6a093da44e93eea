// SPDX-License-Identifier: Apache-2.0
package multipass.rpc;

import multipass.proto.ProtoException;
import multipass.proto.ProtoReader;
import multipass.proto.ProtoWriter;

import java.util.Objects;

/**
 * The outcome of a recover.
 *
 * <p>Models Multipass's {@code multipass.RecoverReply} message (field numbers as there). Every field is
 * modelled.
 * Immutable; unknown fields are skipped when decoding.
 *
 * @param logLine a line of the daemon's log, streamed to a client that asked for verbosity
 */
public record RecoverReply(String logLine) implements RpcMessage {
    /** Checks the components: nothing null but what may be absent. */
    public RecoverReply {
        Objects.requireNonNull(logLine, "logLine");
    }

    @Override
    public byte[] encode() {
        ProtoWriter writer = new ProtoWriter();
        writer.writeString(1, logLine);
        return writer.toByteArray();
    }

    /** Decodes a whole message. */
    public static RecoverReply decode(byte[] bytes) throws ProtoException {
        return read(new ProtoReader(bytes));
    }

    /** Reads a message from {@code reader} (a whole one, or one embedded in another). */
    static RecoverReply read(ProtoReader reader) throws ProtoException {
        String logLine = "";
        for (int field = reader.nextField(); field != -1; field = reader.nextField()) {
            switch (field) {
                case 1 -> logLine = reader.readString();
                default -> reader.skip();
            }
        }
        return new RecoverReply(logLine);
    }
}
