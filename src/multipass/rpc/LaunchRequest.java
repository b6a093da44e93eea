// SPDX-License-Identifier: Apache-2.0
package multipass.rpc;

import multipass.proto.ProtoException;
import multipass.proto.ProtoReader;
import multipass.proto.ProtoWriter;

import java.util.Objects;

/**
 * What {@code multipass launch} asks the daemon for: a new instance.
 *
 * <p>Models Multipass's {@code multipass.LaunchRequest} message (field numbers as there). Fields left out,
 * skipped when decoding: {@code kernel_name} (3), {@code time_zone} (7), {@code cloud_init_user_data} (8),
 * {@code remote_name} (9), {@code network_options} (12), {@code permission_to_bridge} (13), {@code
 * password} (15), {@code zone} (16).
 * Immutable; unknown fields are skipped when decoding.
 *
 * @param instanceName the name wanted, "" for one the daemon picks
 * @param image the image, e.g. a release name or alias
 * @param numCores CPUs, 0 for the default
 * @param memSize memory, a size with its unit, e.g. "1G"
 * @param diskSpace disk, a size with its unit
 * @param verbosityLevel how much the daemon logs back in log_line (the number of -v given)
 * @param timeout seconds to wait for the instance to come up, 0 for the default
 */
public record LaunchRequest(String instanceName, String image, int numCores, String memSize, String diskSpace, int verbosityLevel, int timeout) implements RpcMessage {
    /** Checks the components: nothing null but what may be absent. */
    public LaunchRequest {
        Objects.requireNonNull(instanceName, "instanceName");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(memSize, "memSize");
        Objects.requireNonNull(diskSpace, "diskSpace");
    }

    @Override
    public byte[] encode() {
        ProtoWriter writer = new ProtoWriter();
        writer.writeString(1, instanceName);
        writer.writeString(2, image);
        writer.writeInt32(4, numCores);
        writer.writeString(5, memSize);
        writer.writeString(6, diskSpace);
        writer.writeInt32(11, verbosityLevel);
        writer.writeInt32(14, timeout);
        return writer.toByteArray();
    }

    /** Decodes a whole message. */
    public static LaunchRequest decode(byte[] bytes) throws ProtoException {
        return read(new ProtoReader(bytes));
    }

    /** Reads a message from {@code reader} (a whole one, or one embedded in another). */
    static LaunchRequest read(ProtoReader reader) throws ProtoException {
        String instanceName = "";
        String image = "";
        int numCores = 0;
        String memSize = "";
        String diskSpace = "";
        int verbosityLevel = 0;
        int timeout = 0;
        for (int field = reader.nextField(); field != -1; field = reader.nextField()) {
            switch (field) {
                case 1 -> instanceName = reader.readString();
                case 2 -> image = reader.readString();
                case 4 -> numCores = reader.readInt32();
                case 5 -> memSize = reader.readString();
                case 6 -> diskSpace = reader.readString();
                case 11 -> verbosityLevel = reader.readInt32();
                case 14 -> timeout = reader.readInt32();
                default -> reader.skip();
            }
        }
        return new LaunchRequest(instanceName, image, numCores, memSize, diskSpace, verbosityLevel, timeout);
    }
}
