// SPDX-License-Identifier: Apache-2.0
package multipass.hpack;

/**
 * The decoder's dynamic table (RFC 7541 sections 2.3.2, 4): a FIFO of fields, newest first,
 * whose size (each entry's name and value octets plus 32, section 4.1) never passes its maximum;
 * adding evicts from the oldest end (section 4.4), and an entry larger than the maximum empties
 * the table and is not added. Kept as a ring of references that doubles when full (at most
 * {@code maxSize / 32} entries). Not thread-safe.
 */
final class DynamicTable {
    /** The octets charged per entry besides its name and value (section 4.1). */
    static final int ENTRY_OVERHEAD = 32;
    private static final int INITIAL_CAPACITY = 16;

    private HeaderField[] ring = new HeaderField[INITIAL_CAPACITY];
    /** Where the newest entry is in {@code ring}. */
    private int head;
    private int count;
    private long size;
    private int maxSize;

    DynamicTable(int maxSize) {
        this.maxSize = maxSize;
    }

    /** The number of entries. */
    int count() {
        return count;
    }

    /** The sum of the entries' sizes. */
    long size() {
        return size;
    }

    int maxSize() {
        return maxSize;
    }

    /** The entry {@code i} places from the newest (0 is the newest); {@code i < count()}. */
    HeaderField get(int i) {
        return ring[(head + i) % ring.length];
    }

    /** Adds {@code field} as the newest entry, evicting the oldest until it fits (section 4.4). */
    void add(HeaderField field) {
        long entrySize = sizeOf(field);
        if (entrySize > maxSize) {
            evictTo(0);
            return;
        }
        evictTo(maxSize - entrySize);
        if (count == ring.length) {
            grow();
        }
        head = (head - 1 + ring.length) % ring.length;
        ring[head] = field;
        count++;
        size += entrySize;
    }

    /** Sets a new maximum (a dynamic table size update, section 4.3), evicting what no longer fits. */
    void setMaxSize(int newMaxSize) {
        maxSize = newMaxSize;
        evictTo(newMaxSize);
    }

    private void evictTo(long target) {
        while (size > target) {
            int oldest = (head + count - 1) % ring.length;
            size -= sizeOf(ring[oldest]);
            ring[oldest] = null;
            count--;
        }
    }

    private void grow() {
        HeaderField[] bigger = new HeaderField[ring.length * 2];
        for (int i = 0; i < count; i++) {
            bigger[i] = get(i);
        }
        ring = bigger;
        head = 0;
    }

    /** Section 4.1's size, in a long: two strings of a huge block could pass an int. */
    private static long sizeOf(HeaderField field) {
        return (long) field.name().length() + field.value().length() + ENTRY_OVERHEAD;
    }
}
