// SPDX-License-Identifier: Apache-2.0
package multipass.rpc;

import multipass.proto.ProtoException;
import multipass.proto.ProtoReader;
import multipass.proto.ProtoWriter;

import java.util.Objects;

/**
 * A client certificate the daemon trusts, as our Trust service reports it.
 *
 * <p>Our own message {@code multipass_java.TrustedClient} (docs/multipass_java_trust.proto); Multipass has
 * no such call.
 * Immutable; unknown fields are skipped when decoding.
 *
 * @param fingerprint the certificate's SHA-256 fingerprint
 * @param user the name of the user it was admitted for
 * @param uid that user's id, as text
 * @param method how it was admitted, as the trust store records it
 * @param admitted when it was admitted, as text
 */
public record TrustedClient(String fingerprint, String user, String uid, String method, String admitted) implements RpcMessage {
    /** Checks the components: nothing null but what may be absent. */
    public TrustedClient {
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(uid, "uid");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(admitted, "admitted");
    }

    @Override
    public byte[] encode() {
        ProtoWriter writer = new ProtoWriter();
        writer.writeString(1, fingerprint);
        writer.writeString(2, user);
        writer.writeString(3, uid);
        writer.writeString(4, method);
        writer.writeString(5, admitted);
        return writer.toByteArray();
    }

    /** Decodes a whole message. */
    public static TrustedClient decode(byte[] bytes) throws ProtoException {
        return read(new ProtoReader(bytes));
    }

    /** Reads a message from {@code reader} (a whole one, or one embedded in another). */
    static TrustedClient read(ProtoReader reader) throws ProtoException {
        String fingerprint = "";
        String user = "";
        String uid = "";
        String method = "";
        String admitted = "";
        for (int field = reader.nextField(); field != -1; field = reader.nextField()) {
            switch (field) {
                case 1 -> fingerprint = reader.readString();
                case 2 -> user = reader.readString();
                case 3 -> uid = reader.readString();
                case 4 -> method = reader.readString();
                case 5 -> admitted = reader.readString();
                default -> reader.skip();
            }
        }
        return new TrustedClient(fingerprint, user, uid, method, admitted);
    }
}
