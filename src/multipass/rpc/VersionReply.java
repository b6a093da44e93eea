// SPDX-License-Identifier: Apache-2.0
package multipass.rpc;

import multipass.proto.ProtoException;
import multipass.proto.ProtoReader;
import multipass.proto.ProtoWriter;

import java.util.Objects;

/**
 * The daemon's version.
 *
 * <p>Models Multipass's {@code multipass.VersionReply} message (field numbers as there). Fields left out,
 * skipped when decoding: {@code update_info} (3).
 * Immutable; unknown fields are skipped when decoding.
 *
 * @param version the version
 * @param logLine a line of the daemon's log, streamed to a client that asked for verbosity
 */
public record VersionReply(String version, String logLine) implements RpcMessage {
    /** Checks the components: nothing null but what may be absent. */
    public VersionReply {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(logLine, "logLine");
    }

    @Override
    public byte[] encode() {
        ProtoWriter writer = new ProtoWriter();
        writer.writeString(1, version);
        writer.writeString(2, logLine);
        return writer.toByteArray();
    }

    /** Decodes a whole message. */
    public static VersionReply decode(byte[] bytes) throws ProtoException {
        return read(new ProtoReader(bytes));
    }

    /** Reads a message from {@code reader} (a whole one, or one embedded in another). */
    static VersionReply read(ProtoReader reader) throws ProtoException {
        String version = "";
        String logLine = "";
        for (int field = reader.nextField(); field != -1; field = reader.nextField()) {
            switch (field) {
                case 1 -> version = reader.readString();
                case 2 -> logLine = reader.readString();
                default -> reader.skip();
            }
        }
        return new VersionReply(version, logLine);
    }
}
