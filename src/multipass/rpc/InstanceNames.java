// SPDX-License-Identifier: Apache-2.0
package multipass.rpc;

import multipass.proto.ProtoException;
import multipass.proto.ProtoReader;
import multipass.proto.ProtoWriter;

import java.util.ArrayList;
import java.util.List;

/**
 * A list of instance names, as the requests that act on instances carry it.
 *
 * <p>Models Multipass's {@code multipass.InstanceNames} message (field numbers as there). Every field is
 * modelled.
 * Immutable; unknown fields are skipped when decoding.
 *
 * @param instanceName the names; none means every instance where the command allows it
 */
public record InstanceNames(List<String> instanceName) implements RpcMessage {
    /** The message with no names. */
    public static final InstanceNames NONE = new InstanceNames(List.of());

    /** Checks the components: nothing null but what may be absent. */
    public InstanceNames {
        instanceName = List.copyOf(instanceName);
    }

    @Override
    public byte[] encode() {
        ProtoWriter writer = new ProtoWriter();
        writer.writeRepeatedString(1, instanceName);
        return writer.toByteArray();
    }

    /** Decodes a whole message. */
    public static InstanceNames decode(byte[] bytes) throws ProtoException {
        return read(new ProtoReader(bytes));
    }

    /** Reads a message from {@code reader} (a whole one, or one embedded in another). */
    static InstanceNames read(ProtoReader reader) throws ProtoException {
        List<String> instanceName = new ArrayList<>();
        for (int field = reader.nextField(); field != -1; field = reader.nextField()) {
            switch (field) {
                case 1 -> instanceName.add(reader.readString());
                default -> reader.skip();
            }
        }
        return new InstanceNames(instanceName);
    }
}
