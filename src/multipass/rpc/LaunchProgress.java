// SPDX-License-Identifier: Apache-2.0
package multipass.rpc;

import multipass.proto.ProtoException;
import multipass.proto.ProtoReader;
import multipass.proto.ProtoWriter;

import java.util.Objects;

/**
 * How far a launch has got, streamed in a {@link LaunchReply}.
 *
 * <p>Models Multipass's {@code multipass.LaunchProgress} message (field numbers as there). Every field is
 * modelled.
 * Immutable; unknown fields are skipped when decoding.
 *
 * @param type the stage, a {@code multipass.LaunchProgress.ProgressType} number: 0 IMAGE, 1 EXTRACT, 2
 *     VERIFY, 3 WAITING
 * @param percentComplete the percentage, as text
 */
public record LaunchProgress(int type, String percentComplete) implements RpcMessage {
    /** Checks the components: nothing null but what may be absent. */
    public LaunchProgress {
        Objects.requireNonNull(percentComplete, "percentComplete");
    }

    @Override
    public byte[] encode() {
        ProtoWriter writer = new ProtoWriter();
        writer.writeInt32(1, type);
        writer.writeString(2, percentComplete);
        return writer.toByteArray();
    }

    /** Decodes a whole message. */
    public static LaunchProgress decode(byte[] bytes) throws ProtoException {
        return read(new ProtoReader(bytes));
    }

    /** Reads a message from {@code reader} (a whole one, or one embedded in another). */
    static LaunchProgress read(ProtoReader reader) throws ProtoException {
        int type = 0;
        String percentComplete = "";
        for (int field = reader.nextField(); field != -1; field = reader.nextField()) {
            switch (field) {
                case 1 -> type = reader.readEnum();
                case 2 -> percentComplete = reader.readString();
                default -> reader.skip();
            }
        }
        return new LaunchProgress(type, percentComplete);
    }
}
