// SPDX-License-Identifier: Apache-2.0
package multipass.rpc;

import multipass.proto.ProtoException;
import multipass.proto.ProtoReader;
import multipass.proto.ProtoWriter;

import java.util.ArrayList;
import java.util.List;

/**
 * Asks our Trust service to stop trusting some clients.
 *
 * <p>Our own message {@code multipass_java.TrustRemoveRequest} (docs/multipass_java_trust.proto);
 * Multipass has no such call.
 * Immutable; unknown fields are skipped when decoding.
 *
 * @param fingerprints the fingerprints (or unique prefixes) of the clients
 * @param verbosityLevel how much the daemon logs back in log_line (the number of -v given)
 */
public record TrustRemoveRequest(List<String> fingerprints, int verbosityLevel) implements RpcMessage {
    /** Checks the components: nothing null but what may be absent. */
    public TrustRemoveRequest {
        fingerprints = List.copyOf(fingerprints);
    }

    @Override
    public byte[] encode() {
        ProtoWriter writer = new ProtoWriter();
        writer.writeRepeatedString(1, fingerprints);
        writer.writeInt32(2, verbosityLevel);
        return writer.toByteArray();
    }

    /** Decodes a whole message. */
    public static TrustRemoveRequest decode(byte[] bytes) throws ProtoException {
        return read(new ProtoReader(bytes));
    }

    /** Reads a message from {@code reader} (a whole one, or one embedded in another). */
    static TrustRemoveRequest read(ProtoReader reader) throws ProtoException {
        List<String> fingerprints = new ArrayList<>();
        int verbosityLevel = 0;
        for (int field = reader.nextField(); field != -1; field = reader.nextField()) {
            switch (field) {
                case 1 -> fingerprints.add(reader.readString());
                case 2 -> verbosityLevel = reader.readInt32();
                default -> reader.skip();
            }
        }
        return new TrustRemoveRequest(fingerprints, verbosityLevel);
    }
}
