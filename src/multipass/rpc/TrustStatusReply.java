// SPDX-License-Identifier: Apache-2.0
package multipass.rpc;

import multipass.proto.ProtoException;
import multipass.proto.ProtoReader;
import multipass.proto.ProtoWriter;

import java.util.Objects;

/**
 * Whether the calling client is trusted, and as whom.
 *
 * <p>Our own message {@code multipass_java.TrustStatusReply} (docs/multipass_java_trust.proto); Multipass
 * has no such call.
 * Immutable; unknown fields are skipped when decoding.
 *
 * @param logLine a line of the daemon's log, streamed to a client that asked for verbosity
 * @param user the calling user's name
 * @param uid the calling user's id, as text
 * @param fingerprint the calling certificate's fingerprint
 * @param trusted whether that certificate is trusted
 * @param method how it was admitted, when trusted
 * @param admitted when it was admitted, when trusted
 */
public record TrustStatusReply(String logLine, String user, String uid, String fingerprint, boolean trusted, String method, String admitted) implements RpcMessage {
    /** Checks the components: nothing null but what may be absent. */
    public TrustStatusReply {
        Objects.requireNonNull(logLine, "logLine");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(uid, "uid");
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(admitted, "admitted");
    }

    @Override
    public byte[] encode() {
        ProtoWriter writer = new ProtoWriter();
        writer.writeString(1, logLine);
        writer.writeString(2, user);
        writer.writeString(3, uid);
        writer.writeString(4, fingerprint);
        writer.writeBool(5, trusted);
        writer.writeString(6, method);
        writer.writeString(7, admitted);
        return writer.toByteArray();
    }

    /** Decodes a whole message. */
    public static TrustStatusReply decode(byte[] bytes) throws ProtoException {
        return read(new ProtoReader(bytes));
    }

    /** Reads a message from {@code reader} (a whole one, or one embedded in another). */
    static TrustStatusReply read(ProtoReader reader) throws ProtoException {
        String logLine = "";
        String user = "";
        String uid = "";
        String fingerprint = "";
        boolean trusted = false;
        String method = "";
        String admitted = "";
        for (int field = reader.nextField(); field != -1; field = reader.nextField()) {
            switch (field) {
                case 1 -> logLine = reader.readString();
                case 2 -> user = reader.readString();
                case 3 -> uid = reader.readString();
                case 4 -> fingerprint = reader.readString();
                case 5 -> trusted = reader.readBool();
                case 6 -> method = reader.readString();
                case 7 -> admitted = reader.readString();
                default -> reader.skip();
            }
        }
        return new TrustStatusReply(logLine, user, uid, fingerprint, trusted, method, admitted);
    }
}
