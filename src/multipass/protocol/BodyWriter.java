// SPDX-License-Identifier: Apache-2.0
package multipass.protocol;

import java.io.ByteArrayOutputStream;

/** A growable big-endian byte sink for message bodies. Not thread-safe. */
final class BodyWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    void u8(int v) {
        out.write(v);
    }

    void u16(int v) {
        out.write(v >>> 8);
        out.write(v);
    }

    void u32(int v) {
        u16(v >>> 16);
        u16(v & 0xFFFF);
    }

    void raw(byte[] bytes) {
        out.writeBytes(bytes);
    }

    /** {@code bytes} from {@code offset} on. */
    void raw(byte[] bytes, int offset) {
        out.write(bytes, offset, bytes.length - offset);
    }

    int size() {
        return out.size();
    }

    void reset() {
        out.reset();
    }

    void field(int tag, byte[] value) {
        u8(tag);
        u32(value.length);
        raw(value);
    }

    byte[] bytes() {
        return out.toByteArray();
    }
}
