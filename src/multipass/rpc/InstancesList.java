// SPDX-License-Identifier: Apache-2.0
package multipass.rpc;

import multipass.proto.ProtoException;
import multipass.proto.ProtoReader;
import multipass.proto.ProtoWriter;

import java.util.ArrayList;
import java.util.List;

/**
 * The instances of a {@link ListReply}.
 *
 * <p>Models Multipass's {@code multipass.InstancesList} message (field numbers as there). Every field is
 * modelled.
 * Immutable; unknown fields are skipped when decoding.
 *
 * @param instances the instances, maybe none
 */
public record InstancesList(List<ListVMInstance> instances) implements RpcMessage {
    /** Checks the components: nothing null but what may be absent. */
    public InstancesList {
        instances = List.copyOf(instances);
    }

    @Override
    public byte[] encode() {
        ProtoWriter writer = new ProtoWriter();
        for (ListVMInstance item : instances) {
            writer.writeMessage(1, item.encode());
        }
        return writer.toByteArray();
    }

    /** Decodes a whole message. */
    public static InstancesList decode(byte[] bytes) throws ProtoException {
        return read(new ProtoReader(bytes));
    }

    /** Reads a message from {@code reader} (a whole one, or one embedded in another). */
    static InstancesList read(ProtoReader reader) throws ProtoException {
        List<ListVMInstance> instances = new ArrayList<>();
        for (int field = reader.nextField(); field != -1; field = reader.nextField()) {
            switch (field) {
                case 1 -> instances.add(ListVMInstance.read(reader.readMessage()));
                default -> reader.skip();
            }
        }
        return new InstancesList(instances);
    }
}
