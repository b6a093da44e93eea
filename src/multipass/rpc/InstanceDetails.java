// SPDX-License-Identifier: Apache-2.0
package multipass.rpc;

import multipass.proto.ProtoException;
import multipass.proto.ProtoReader;
import multipass.proto.ProtoWriter;
import multipass.proto.Timestamp;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What {@code multipass info} shows about a running instance.
 *
 * <p>Models Multipass's {@code multipass.InstanceDetails} message (field numbers as there). Fields left
 * out, skipped when decoding: {@code ipv6} (8).
 * Immutable; unknown fields are skipped when decoding.
 *
 * @param imageRelease the release of the image it was launched from
 * @param currentRelease the release it runs now
 * @param id the image's hash
 * @param load the load averages
 * @param memoryUsage bytes of memory in use
 * @param diskUsage bytes of disk in use
 * @param ipv4 its IPv4 addresses
 * @param numSnapshots how many snapshots it has (an {@code optional} field): null when not told
 * @param cpuTimes the CPU times
 * @param uptime how long it has been up
 * @param creationTimestamp when it was made, or null
 * @param os its operating system
 */
public record InstanceDetails(String imageRelease, String currentRelease, String id, String load, String memoryUsage, String diskUsage, List<String> ipv4, Integer numSnapshots, String cpuTimes, String uptime, Timestamp creationTimestamp, String os) implements RpcMessage {
    /** Checks the components: nothing null but what may be absent. */
    public InstanceDetails {
        Objects.requireNonNull(imageRelease, "imageRelease");
        Objects.requireNonNull(currentRelease, "currentRelease");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(load, "load");
        Objects.requireNonNull(memoryUsage, "memoryUsage");
        Objects.requireNonNull(diskUsage, "diskUsage");
        ipv4 = List.copyOf(ipv4);
        Objects.requireNonNull(cpuTimes, "cpuTimes");
        Objects.requireNonNull(uptime, "uptime");
        Objects.requireNonNull(os, "os");
    }

    @Override
    public byte[] encode() {
        ProtoWriter writer = new ProtoWriter();
        writer.writeString(1, imageRelease);
        writer.writeString(2, currentRelease);
        writer.writeString(3, id);
        writer.writeString(4, load);
        writer.writeString(5, memoryUsage);
        writer.writeString(6, diskUsage);
        writer.writeRepeatedString(7, ipv4);
        if (numSnapshots != null) {
            writer.writeInt32WithPresence(9, numSnapshots);
        }
        writer.writeString(10, cpuTimes);
        writer.writeString(11, uptime);
        if (creationTimestamp != null) {
            writer.writeMessage(12, creationTimestamp.encode());
        }
        writer.writeString(13, os);
        return writer.toByteArray();
    }

    /** Decodes a whole message. */
    public static InstanceDetails decode(byte[] bytes) throws ProtoException {
        return read(new ProtoReader(bytes));
    }

    /** Reads a message from {@code reader} (a whole one, or one embedded in another). */
    static InstanceDetails read(ProtoReader reader) throws ProtoException {
        String imageRelease = "";
        String currentRelease = "";
        String id = "";
        String load = "";
        String memoryUsage = "";
        String diskUsage = "";
        List<String> ipv4 = new ArrayList<>();
        Integer numSnapshots = null;
        String cpuTimes = "";
        String uptime = "";
        Timestamp creationTimestamp = null;
        String os = "";
        for (int field = reader.nextField(); field != -1; field = reader.nextField()) {
            switch (field) {
                case 1 -> imageRelease = reader.readString();
                case 2 -> currentRelease = reader.readString();
                case 3 -> id = reader.readString();
                case 4 -> load = reader.readString();
                case 5 -> memoryUsage = reader.readString();
                case 6 -> diskUsage = reader.readString();
                case 7 -> ipv4.add(reader.readString());
                case 9 -> numSnapshots = reader.readInt32();
                case 10 -> cpuTimes = reader.readString();
                case 11 -> uptime = reader.readString();
                case 12 -> creationTimestamp = Timestamp.read(reader.readMessage());
                case 13 -> os = reader.readString();
                default -> reader.skip();
            }
        }
        return new InstanceDetails(imageRelease, currentRelease, id, load, memoryUsage, diskUsage, ipv4, numSnapshots, cpuTimes, uptime, creationTimestamp, os);
    }
}
