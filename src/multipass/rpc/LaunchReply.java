// SPDX-License-Identifier: Apache-2.0
package multipass.rpc;

import multipass.proto.ProtoException;
import multipass.proto.ProtoReader;
import multipass.proto.ProtoWriter;

import java.util.Objects;

/**
 * One reply in the stream of a launch: progress, the new name, log lines, the outcome.
 *
 * <p>Models Multipass's {@code multipass.LaunchReply} message (field numbers as there). Fields left out,
 * skipped when decoding: {@code update_info} (7), {@code nets_need_bridging} (9), {@code
 * aliases_to_be_created} (10), {@code workspaces_to_be_created} (11), {@code password_requested} (12),
 * {@code zone} (13).
 * At most one of {@code vmInstanceName}, {@code launchProgress}, {@code createMessage} is set (the {@code
 * create_oneof} oneof; the last on the wire wins).
 * Immutable; unknown fields are skipped when decoding.
 *
 * @param vmInstanceName the name of the launched instance (one of the create_oneof members, or null)
 * @param launchProgress progress (one of the create_oneof members, or null)
 * @param createMessage a message about the launch (one of the create_oneof members, or null)
 * @param logLine a line of the daemon's log, streamed to a client that asked for verbosity
 * @param replyMessage a message for the user
 */
public record LaunchReply(String vmInstanceName, LaunchProgress launchProgress, String createMessage, String logLine, String replyMessage) implements RpcMessage {
    /** Checks the components: nothing null but what may be absent, at most one oneof member. */
    public LaunchReply {
        Objects.requireNonNull(logLine, "logLine");
        Objects.requireNonNull(replyMessage, "replyMessage");
        if ((vmInstanceName == null ? 0 : 1) + (launchProgress == null ? 0 : 1) + (createMessage == null ? 0 : 1) > 1) {
            throw new IllegalArgumentException("more than one member of the create_oneof oneof is set");
        }
    }

    @Override
    public byte[] encode() {
        ProtoWriter writer = new ProtoWriter();
        if (vmInstanceName != null) {
            writer.writeStringWithPresence(1, vmInstanceName);
        }
        if (launchProgress != null) {
            writer.writeMessage(2, launchProgress.encode());
        }
        if (createMessage != null) {
            writer.writeStringWithPresence(3, createMessage);
        }
        writer.writeString(6, logLine);
        writer.writeString(8, replyMessage);
        return writer.toByteArray();
    }

    /** Decodes a whole message. */
    public static LaunchReply decode(byte[] bytes) throws ProtoException {
        return read(new ProtoReader(bytes));
    }

    /** Reads a message from {@code reader} (a whole one, or one embedded in another). */
    static LaunchReply read(ProtoReader reader) throws ProtoException {
        String vmInstanceName = null;
        LaunchProgress launchProgress = null;
        String createMessage = null;
        String logLine = "";
        String replyMessage = "";
        for (int field = reader.nextField(); field != -1; field = reader.nextField()) {
            switch (field) {
                case 1 -> {
                    vmInstanceName = reader.readString();
                    launchProgress = null;
                    createMessage = null;
                }
                case 2 -> {
                    launchProgress = LaunchProgress.read(reader.readMessage());
                    vmInstanceName = null;
                    createMessage = null;
                }
                case 3 -> {
                    createMessage = reader.readString();
                    vmInstanceName = null;
                    launchProgress = null;
                }
                case 6 -> logLine = reader.readString();
                case 8 -> replyMessage = reader.readString();
                default -> reader.skip();
            }
        }
        return new LaunchReply(vmInstanceName, launchProgress, createMessage, logLine, replyMessage);
    }
}
