// SPDX-License-Identifier: Apache-2.0
package multipass.proto;

/**
 * The wire types of the Protocol Buffers encoding (the low three bits of a tag), with their
 * numbers. 3 and 4 are the deprecated groups, which this project never writes and only skips;
 * 6 and 7 are undefined and refused by {@link ProtoReader}.
 */
public enum WireType {
    VARINT(0),
    FIXED64(1),
    LENGTH_DELIMITED(2),
    START_GROUP(3),
    END_GROUP(4),
    FIXED32(5);

    private final int number;

    WireType(int number) {
        this.number = number;
    }

    /** The number in the tag's low three bits. */
    public int number() {
        return number;
    }
}
