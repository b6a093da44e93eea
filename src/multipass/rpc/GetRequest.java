// SPDX-License-Identifier: Apache-2.0
package multipass.rpc;

import multipass.proto.ProtoException;
import multipass.proto.ProtoReader;
import multipass.proto.ProtoWriter;

import java.util.Objects;

/**
 * What {@code multipass get} sends: the value of one setting.
 *
 * <p>Models Multipass's {@code multipass.GetRequest} message (field numbers as there). Every field is
 * modelled.
 * Immutable; unknown fields are skipped when decoding.
 *
 * @param key the setting's name
 * @param verbosityLevel how much the daemon logs back in log_line (the number of -v given)
 */
public record GetRequest(String key, int verbosityLevel) implements RpcMessage {
    /** Checks the components: nothing null but what may be absent. */
    public GetRequest {
        Objects.requireNonNull(key, "key");
    }

    @Override
    public byte[] encode() {
        ProtoWriter writer = new ProtoWriter();
        writer.writeString(1, key);
        writer.writeInt32(2, verbosityLevel);
        return writer.toByteArray();
    }

    /** Decodes a whole message. */
    public static GetRequest decode(byte[] bytes) throws ProtoException {
        return read(new ProtoReader(bytes));
    }

    /** Reads a message from {@code reader} (a whole one, or one embedded in another). */
    static GetRequest read(ProtoReader reader) throws ProtoException {
        String key = "";
        int verbosityLevel = 0;
        for (int field = reader.nextField(); field != -1; field = reader.nextField()) {
            switch (field) {
                case 1 -> key = reader.readString();
                case 2 -> verbosityLevel = reader.readInt32();
                default -> reader.skip();
            }
        }
        return new GetRequest(key, verbosityLevel);
    }
}
