// SPDX-License-Identifier: Apache-2.0
package multipass.rpc;

import multipass.proto.ProtoException;
import multipass.proto.ProtoReader;
import multipass.proto.ProtoWriter;

import java.util.Objects;

/**
 * What {@code multipass set} sends. Its value may be a secret ({@code local.passphrase}), so {@link
 * #toString()} never shows it.
 *
 * <p>Models Multipass's {@code multipass.SetRequest} message (field numbers as there). Every field is
 * modelled.
 * Immutable; unknown fields are skipped when decoding.
 *
 * @param key the setting's name
 * @param val the new value (maybe a secret)
 * @param verbosityLevel how much the daemon logs back in log_line (the number of -v given)
 * @param authorized the user confirmed a change that needs it
 */
public record SetRequest(String key, String val, int verbosityLevel, boolean authorized) implements RpcMessage {
    /** Checks the components: nothing null but what may be absent. */
    public SetRequest {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(val, "val");
    }

    @Override
    public byte[] encode() {
        ProtoWriter writer = new ProtoWriter();
        writer.writeString(1, key);
        writer.writeString(2, val);
        writer.writeInt32(3, verbosityLevel);
        writer.writeBool(4, authorized);
        return writer.toByteArray();
    }

    /** Decodes a whole message. */
    public static SetRequest decode(byte[] bytes) throws ProtoException {
        return read(new ProtoReader(bytes));
    }

    /** Reads a message from {@code reader} (a whole one, or one embedded in another). */
    static SetRequest read(ProtoReader reader) throws ProtoException {
        String key = "";
        String val = "";
        int verbosityLevel = 0;
        boolean authorized = false;
        for (int field = reader.nextField(); field != -1; field = reader.nextField()) {
            switch (field) {
                case 1 -> key = reader.readString();
                case 2 -> val = reader.readString();
                case 3 -> verbosityLevel = reader.readInt32();
                case 4 -> authorized = reader.readBool();
                default -> reader.skip();
            }
        }
        return new SetRequest(key, val, verbosityLevel, authorized);
    }

    /** Shows every component but the secret one. */
    @Override
    public String toString() {
        return "SetRequest[key=" + key + ", val=(hidden), verbosityLevel=" + verbosityLevel + ", authorized=" + authorized + "]";
    }
}
