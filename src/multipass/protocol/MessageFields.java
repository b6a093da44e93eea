// SPDX-License-Identifier: Apache-2.0
package multipass.protocol;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fields of one message body ({@link MessageCodec}), grouped by tag, checked as they are
 * consumed: a field required once must be there once, and a tag the message type does not
 * define is rejected by {@link #finish()}. Not thread-safe; one per decoded body.
 */
final class MessageFields {
    private final Map<Integer, List<byte[]>> byTag = new LinkedHashMap<>();
    private final BitSet consumed = new BitSet();

    MessageFields(ByteBuffer in, int maxFields) throws ProtocolException {
        for (int count = 0; in.hasRemaining(); count++) {
            if (count == maxFields) {
                throw new ProtocolException("more than " + maxFields + " fields in one message");
            }
            int tag = Byte.toUnsignedInt(in.get());
            List<byte[]> values = byTag.get(tag);
            if (values == null) { // not computeIfAbsent: no lambda to link in every CLI command
                values = new ArrayList<>();
                byTag.put(tag, values);
            }
            values.add(MessageCodec.take(in, 4, "field " + tag + " length"));
        }
    }

    byte[] required(int tag, String name) throws ProtocolException {
        List<byte[]> values = byTag.getOrDefault(tag, List.of());
        if (values.isEmpty()) {
            throw new ProtocolException("missing " + name + " field");
        }
        if (values.size() > 1) {
            throw new ProtocolException(name + " field given " + values.size() + " times");
        }
        consumed.set(tag);
        return values.get(0);
    }

    List<byte[]> repeated(int tag) {
        consumed.set(tag);
        return byTag.getOrDefault(tag, List.of());
    }

    /** Rejects any field the message type does not define. */
    void finish() throws ProtocolException {
        for (int tag : byTag.keySet()) {
            if (!consumed.get(tag)) {
                throw new ProtocolException("unknown field tag " + tag);
            }
        }
    }
}
