// SPDX-License-Identifier: Apache-2.0
package multipass.rpc;

import multipass.proto.ProtoException;
import multipass.proto.ProtoReader;
import multipass.proto.ProtoWriter;

import java.util.Objects;

/**
 * An instance's state, in {@link ListVMInstance} and {@link DetailedInfoItem}.
 *
 * <p>Models Multipass's {@code multipass.InstanceStatus} message (field {@code status} = 1, the
 * enum {@code multipass.InstanceStatus.Status}). A number this code does not know (a newer
 * daemon's state) decodes to {@link Status#UNKNOWN} rather than failing. Immutable; unknown fields
 * are skipped when decoding.
 *
 * @param status the state
 */
public record InstanceStatus(Status status) implements RpcMessage {
    /** The status of an instance whose state is not known (also what an absent status means). */
    public static final InstanceStatus UNKNOWN = new InstanceStatus(Status.UNKNOWN);

    /** The states, with their numbers on the wire. */
    public enum Status {
        UNKNOWN(0),
        RUNNING(1),
        STARTING(2),
        RESTARTING(3),
        STOPPED(4),
        DELETED(5),
        DELAYED_SHUTDOWN(6),
        SUSPENDING(7),
        SUSPENDED(8),
        UNAVAILABLE(9);

        private static final Status[] BY_NUMBER = values();

        private final int number;

        Status(int number) {
            this.number = number;
        }

        /** The number on the wire. */
        public int number() {
            return number;
        }

        /** The state numbered {@code number}, or {@link #UNKNOWN} for a number not listed here. */
        public static Status forNumber(int number) {
            return number >= 0 && number < BY_NUMBER.length ? BY_NUMBER[number] : UNKNOWN;
        }
    }

    /** Checks the component. */
    public InstanceStatus {
        Objects.requireNonNull(status, "status");
    }

    @Override
    public byte[] encode() {
        return new ProtoWriter().writeEnum(1, status.number()).toByteArray();
    }

    /** Decodes a whole message. */
    public static InstanceStatus decode(byte[] bytes) throws ProtoException {
        return read(new ProtoReader(bytes));
    }

    /** Reads a message from {@code reader} (a whole one, or one embedded in another). */
    static InstanceStatus read(ProtoReader reader) throws ProtoException {
        Status status = Status.UNKNOWN;
        for (int field = reader.nextField(); field != -1; field = reader.nextField()) {
            switch (field) {
                case 1 -> status = Status.forNumber(reader.readEnum());
                default -> reader.skip();
            }
        }
        return new InstanceStatus(status);
    }
}
