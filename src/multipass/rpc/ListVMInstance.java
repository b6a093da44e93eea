// SPDX-License-Identifier: Apache-2.0
package multipass.rpc;

import multipass.proto.ProtoException;
import multipass.proto.ProtoReader;
import multipass.proto.ProtoWriter;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One instance in an {@link InstancesList}.
 *
 * <p>Models Multipass's {@code multipass.ListVMInstance} message (field numbers as there). Fields left
 * out, skipped when decoding: {@code zone} (7).
 * Immutable; unknown fields are skipped when decoding.
 *
 * @param name its name
 * @param instanceStatus its state (UNKNOWN when absent)
 * @param ipv4 its IPv4 addresses
 * @param currentRelease the release it runs
 * @param os its operating system
 */
public record ListVMInstance(String name, InstanceStatus instanceStatus, List<String> ipv4, String currentRelease, String os) implements RpcMessage {
    /** Checks the components: nothing null but what may be absent. */
    public ListVMInstance {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(instanceStatus, "instanceStatus");
        ipv4 = List.copyOf(ipv4);
        Objects.requireNonNull(currentRelease, "currentRelease");
        Objects.requireNonNull(os, "os");
    }

    @Override
    public byte[] encode() {
        ProtoWriter writer = new ProtoWriter();
        writer.writeString(1, name);
        writer.writeMessage(2, instanceStatus.encode());
        writer.writeRepeatedString(3, ipv4);
        writer.writeString(5, currentRelease);
        writer.writeString(6, os);
        return writer.toByteArray();
    }

    /** Decodes a whole message. */
    public static ListVMInstance decode(byte[] bytes) throws ProtoException {
        return read(new ProtoReader(bytes));
    }

    /** Reads a message from {@code reader} (a whole one, or one embedded in another). */
    static ListVMInstance read(ProtoReader reader) throws ProtoException {
        String name = "";
        InstanceStatus instanceStatus = InstanceStatus.UNKNOWN;
        List<String> ipv4 = new ArrayList<>();
        String currentRelease = "";
        String os = "";
        for (int field = reader.nextField(); field != -1; field = reader.nextField()) {
            switch (field) {
                case 1 -> name = reader.readString();
                case 2 -> instanceStatus = InstanceStatus.read(reader.readMessage());
                case 3 -> ipv4.add(reader.readString());
                case 5 -> currentRelease = reader.readString();
                case 6 -> os = reader.readString();
                default -> reader.skip();
            }
        }
        return new ListVMInstance(name, instanceStatus, ipv4, currentRelease, os);
    }
}
