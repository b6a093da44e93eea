// SPDX-License-Identifier: Apache-2.0
package multipass.rpc;

import multipass.proto.ProtoException;
import multipass.proto.ProtoReader;
import multipass.proto.ProtoWriter;

import java.util.Objects;

/**
 * One reply in the stream of a restart.
 *
 * <p>Models Multipass's {@code multipass.RestartReply} message (field numbers as there). Fields left out,
 * skipped when decoding: {@code update_info} (3).
 * Immutable; unknown fields are skipped when decoding.
 *
 * @param logLine a line of the daemon's log, streamed to a client that asked for verbosity
 * @param replyMessage a message for the user
 * @param passwordRequested whether the daemon wants a password to go on
 */
public record RestartReply(String logLine, String replyMessage, boolean passwordRequested) implements RpcMessage {
    /** Checks the components: nothing null but what may be absent. */
    public RestartReply {
        Objects.requireNonNull(logLine, "logLine");
        Objects.requireNonNull(replyMessage, "replyMessage");
    }

    @Override
    public byte[] encode() {
        ProtoWriter writer = new ProtoWriter();
        writer.writeString(1, logLine);
        writer.writeString(2, replyMessage);
        writer.writeBool(4, passwordRequested);
        return writer.toByteArray();
    }

    /** Decodes a whole message. */
    public static RestartReply decode(byte[] bytes) throws ProtoException {
        return read(new ProtoReader(bytes));
    }

    /** Reads a message from {@code reader} (a whole one, or one embedded in another). */
    static RestartReply read(ProtoReader reader) throws ProtoException {
        String logLine = "";
        String replyMessage = "";
        boolean passwordRequested = false;
        for (int field = reader.nextField(); field != -1; field = reader.nextField()) {
            switch (field) {
                case 1 -> logLine = reader.readString();
                case 2 -> replyMessage = reader.readString();
                case 4 -> passwordRequested = reader.readBool();
                default -> reader.skip();
            }
        }
        return new RestartReply(logLine, replyMessage, passwordRequested);
    }
}
