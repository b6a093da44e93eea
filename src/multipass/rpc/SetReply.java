// SPDX-License-Identifier: Apache-2.0
package multipass.rpc;

import multipass.proto.ProtoException;
import multipass.proto.ProtoReader;
import multipass.proto.ProtoWriter;

import java.util.Objects;

/**
 * The outcome of a set.
 *
 * <p>Models Multipass's {@code multipass.SetReply} message (field numbers as there). Every field is modelled.
 * Immutable; unknown fields are skipped when decoding.
 *
 * @param logLine a line of the daemon's log, streamed to a client that asked for verbosity
 * @param replyMessage a message for the user
 * @param needsAuthorization the change needs the user to confirm it
 */
public record SetReply(String logLine, String replyMessage, boolean needsAuthorization) implements RpcMessage {
    /** Checks the components: nothing null but what may be absent. */
    public SetReply {
        Objects.requireNonNull(logLine, "logLine");
        Objects.requireNonNull(replyMessage, "replyMessage");
    }

    @Override
    public byte[] encode() {
        ProtoWriter writer = new ProtoWriter();
        writer.writeString(1, logLine);
        writer.writeString(2, replyMessage);
        writer.writeBool(3, needsAuthorization);
        return writer.toByteArray();
    }

    /** Decodes a whole message. */
    public static SetReply decode(byte[] bytes) throws ProtoException {
        return read(new ProtoReader(bytes));
    }

    /** Reads a message from {@code reader} (a whole one, or one embedded in another). */
    static SetReply read(ProtoReader reader) throws ProtoException {
        String logLine = "";
        String replyMessage = "";
        boolean needsAuthorization = false;
        for (int field = reader.nextField(); field != -1; field = reader.nextField()) {
            switch (field) {
                case 1 -> logLine = reader.readString();
                case 2 -> replyMessage = reader.readString();
                case 3 -> needsAuthorization = reader.readBool();
                default -> reader.skip();
            }
        }
        return new SetReply(logLine, replyMessage, needsAuthorization);
    }
}
