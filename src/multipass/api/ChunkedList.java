// SPDX-License-Identifier: Apache-2.0
package multipass.api;

import multipass.proto.ProtoWriter;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Function;

/**
 * The reply messages of a list of records (instances, trusted clients), each holding as many
 * entries as fit under {@link #MESSAGE_BUDGET}: gRPC peers refuse a message over 4 MiB by
 * default, so a list that would pass it goes as several messages of the same type, each made
 * only when the one before is sent. A list that fits (nearly every one) is one message, the
 * result as Multipass's client expects it. An empty list is one message with an empty list.
 */
final class ChunkedList implements Iterator<byte[]> {
    /** The most bytes of entries one message carries: 4 MiB less room for the rest of the message. */
    static final int MESSAGE_BUDGET = (4 << 20) - (64 << 10);

    /** Wraps a chunk of encoded entries (each a length-delimited field already) into a reply message. */
    interface Wrapper {
        byte[] wrap(byte[] entries);
    }

    private final List<Map<String, String>> records;
    private final Function<Map<String, String>, byte[]> entry;
    private final int entryField;
    private final Wrapper wrapper;
    private int next;
    private boolean sentOne;

    /**
     * @param entry      the encoded entry message of one record
     * @param entryField the field number of the repeated entry inside the chunk
     */
    ChunkedList(List<Map<String, String>> records, Function<Map<String, String>, byte[]> entry, int entryField, Wrapper wrapper) {
        this.records = records;
        this.entry = entry;
        this.entryField = entryField;
        this.wrapper = wrapper;
    }

    @Override
    public boolean hasNext() {
        return !sentOne || next < records.size();
    }

    @Override
    public byte[] next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        ProtoWriter entries = new ProtoWriter();
        while (next < records.size()) {
            byte[] encoded = entry.apply(records.get(next));
            if (entries.size() > 0 && entries.size() + encoded.length + 8 > MESSAGE_BUDGET) {
                break;
            }
            entries.writeMessage(entryField, encoded);
            next++;
        }
        sentOne = true;
        return wrapper.wrap(entries.toByteArray());
    }
}
