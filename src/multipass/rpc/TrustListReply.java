// SPDX-License-Identifier: Apache-2.0
package multipass.rpc;

import multipass.proto.ProtoException;
import multipass.proto.ProtoReader;
import multipass.proto.ProtoWriter;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The trusted clients.
 *
 * <p>Our own message {@code multipass_java.TrustListReply} (docs/multipass_java_trust.proto); Multipass
 * has no such call.
 * Immutable; unknown fields are skipped when decoding.
 *
 * @param logLine a line of the daemon's log, streamed to a client that asked for verbosity
 * @param clients the clients
 */
public record TrustListReply(String logLine, List<TrustedClient> clients) implements RpcMessage {
    /** Checks the components: nothing null but what may be absent. */
    public TrustListReply {
        Objects.requireNonNull(logLine, "logLine");
        clients = List.copyOf(clients);
    }

    @Override
    public byte[] encode() {
        ProtoWriter writer = new ProtoWriter();
        writer.writeString(1, logLine);
        for (TrustedClient item : clients) {
            writer.writeMessage(2, item.encode());
        }
        return writer.toByteArray();
    }

    /** Decodes a whole message. */
    public static TrustListReply decode(byte[] bytes) throws ProtoException {
        return read(new ProtoReader(bytes));
    }

    /** Reads a message from {@code reader} (a whole one, or one embedded in another). */
    static TrustListReply read(ProtoReader reader) throws ProtoException {
        String logLine = "";
        List<TrustedClient> clients = new ArrayList<>();
        for (int field = reader.nextField(); field != -1; field = reader.nextField()) {
            switch (field) {
                case 1 -> logLine = reader.readString();
                case 2 -> clients.add(TrustedClient.read(reader.readMessage()));
                default -> reader.skip();
            }
        }
        return new TrustListReply(logLine, clients);
    }
}
