// SPDX-License-Identifier: Apache-2.0
package multipass.rpc;

import multipass.proto.ProtoException;
import multipass.proto.ProtoReader;
import multipass.proto.ProtoWriter;

import java.util.Objects;

/**
 * What {@code multipass authenticate} sends: the passphrase that makes this client trusted. {@link
 * #toString()} never shows it.
 *
 * <p>Models Multipass's {@code multipass.AuthenticateRequest} message (field numbers as there). Every
 * field is modelled.
 * Immutable; unknown fields are skipped when decoding.
 *
 * @param passphrase the passphrase (a secret)
 * @param verbosityLevel how much the daemon logs back in log_line (the number of -v given)
 */
public record AuthenticateRequest(String passphrase, int verbosityLevel) implements RpcMessage {
    /** Checks the components: nothing null but what may be absent. */
    public AuthenticateRequest {
        Objects.requireNonNull(passphrase, "passphrase");
    }

    @Override
    public byte[] encode() {
        ProtoWriter writer = new ProtoWriter();
        writer.writeString(1, passphrase);
        writer.writeInt32(2, verbosityLevel);
        return writer.toByteArray();
    }

    /** Decodes a whole message. */
    public static AuthenticateRequest decode(byte[] bytes) throws ProtoException {
        return read(new ProtoReader(bytes));
    }

    /** Reads a message from {@code reader} (a whole one, or one embedded in another). */
    static AuthenticateRequest read(ProtoReader reader) throws ProtoException {
        String passphrase = "";
        int verbosityLevel = 0;
        for (int field = reader.nextField(); field != -1; field = reader.nextField()) {
            switch (field) {
                case 1 -> passphrase = reader.readString();
                case 2 -> verbosityLevel = reader.readInt32();
                default -> reader.skip();
            }
        }
        return new AuthenticateRequest(passphrase, verbosityLevel);
    }

    /** Shows every component but the secret one. */
    @Override
    public String toString() {
        return "AuthenticateRequest[passphrase=(hidden), verbosityLevel=" + verbosityLevel + "]";
    }
}
