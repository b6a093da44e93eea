// SPDX-License-Identifier: Apache-2.0
package multipass.hpack;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes header blocks of one connection (RFC 7541); keeps the dynamic table between blocks. Not thread-safe.
 *
 * <p>A block is a sequence of field representations (section 6): indexed (6.1), literal with
 * incremental indexing (6.2.1), without indexing (6.2.2) or never indexed (6.2.3), and dynamic
 * table size updates (6.3), which may only open a block (section 4.2), at most two of them, each
 * no larger than the size we advertise. Index 0 and indices past the static and dynamic tables
 * are errors (section 2.3.3).
 *
 * <p>The header list size (RFC 9113 section 6.5.2: each field's name and value octets plus 32)
 * is summed as fields come. Past {@code maxHeaderListSize} the block is still decoded to its end,
 * so that the dynamic table stays in step with the peer's encoder, but the fields are dropped and
 * {@link HeaderBlock#tooLarge()} is set: a block somewhat over the limit costs its stream only.
 * A small block that references a large table entry many times (an "HPACK bomb") costs no
 * memory either, and its decoding stops once the list passes {@link #BOMB_FACTOR} times the
 * limit: no honest encoder sends that much, the connection ends anyway, and a 16 KiB block
 * that names a 4 KiB entry at every octet would otherwise cost 16,000 field decodes each.
 *
 * <p>Every problem is an {@link HpackException} naming it and its offset in the block; after one,
 * the table may be out of step with the peer's, and the connection must end (RFC 9113 section
 * 4.3, COMPRESSION_ERROR). Names and values are ISO-8859-1, one char per octet; checking them
 * (lower case, forbidden characters) is the HTTP/2 layer's job.
 *
 * <p>The table starts at {@code maxTableSize}: the peer's encoder may use 4096 octets (the
 * setting's default) until it has seen our SETTINGS, so advertising less than 4096 is only safe
 * when the peer opens its blocks with a size update; advertise 4096 to be safe.
 */
public final class HpackDecoder {
    /** Size updates allowed at the start of a block: the smallest size since the last block, then the final one (4.2). */
    static final int MAX_SIZE_UPDATES = 2;
    /** How many times {@code maxHeaderListSize} a decoded list may reach before it is called a bomb (1 MiB for 16 KiB). */
    public static final int BOMB_FACTOR = 64;

    private final int maxTableSize;
    private final int maxHeaderListSize;
    private final DynamicTable table;

    /**
     * @param maxTableSize      the dynamic table size we advertise (SETTINGS_HEADER_TABLE_SIZE)
     * @param maxHeaderListSize the decoded list we accept (SETTINGS_MAX_HEADER_LIST_SIZE)
     */
    public HpackDecoder(int maxTableSize, int maxHeaderListSize) {
        if (maxTableSize < 0 || maxHeaderListSize < 0) {
            throw new IllegalArgumentException("negative limit: table " + maxTableSize + ", header list " + maxHeaderListSize);
        }
        this.maxTableSize = maxTableSize;
        this.maxHeaderListSize = maxHeaderListSize;
        this.table = new DynamicTable(maxTableSize);
    }

    /** Decodes one complete header block (all of {@code block}'s remaining bytes). */
    public HeaderBlock decode(ByteBuffer block) throws HpackException {
        int length = block.remaining();
        BlockReader in = new BlockReader(block);
        List<HeaderField> fields = new ArrayList<>();
        long listSize = 0;
        int sizeUpdates = 0;
        boolean fieldSeen = false;
        while (in.hasRemaining()) {
            if ((in.peek() & 0xE0) == 0x20) {
                sizeUpdate(in, fieldSeen, ++sizeUpdates);
                continue;
            }
            HeaderField field = field(in);
            fieldSeen = true;
            listSize += field.size();
            if (listSize <= maxHeaderListSize) {
                fields.add(field);
            } else if (!fields.isEmpty()) {
                fields = List.of(); // let the garbage go now: the rest of the block may be long
            } else if (listSize > (long) maxHeaderListSize * BOMB_FACTOR) {
                throw HpackException.bomb("header list past " + BOMB_FACTOR + " times the limit of " + maxHeaderListSize
                        + " octets at offset " + in.offset() + " of a " + length + "-octet block (an HPACK bomb)");
            }
        }
        return new HeaderBlock(fields, listSize > maxHeaderListSize);
    }

    /** The table's state, for tests: entry {@code i} from the newest. */
    HeaderField dynamicEntry(int i) {
        return table.get(i);
    }

    int dynamicCount() {
        return table.count();
    }

    long dynamicSize() {
        return table.size();
    }

    /** A dynamic table size update (section 6.3). */
    private void sizeUpdate(BlockReader in, boolean fieldSeen, int count) throws HpackException {
        int at = in.offset();
        if (fieldSeen) {
            throw new HpackException("dynamic table size update at offset " + at + " after a header field (only at the start of a block)");
        }
        if (count > MAX_SIZE_UPDATES) {
            throw new HpackException("dynamic table size update at offset " + at + " is one too many (at most "
                    + MAX_SIZE_UPDATES + " may open a block)");
        }
        int size = in.readInteger(5);
        if (size > maxTableSize) {
            throw new HpackException("dynamic table size update at offset " + at + " to " + size + " exceeds our limit " + maxTableSize);
        }
        table.setMaxSize(size);
    }

    /** One field representation (section 6.1 or 6.2); the next octet is not a size update. */
    private HeaderField field(BlockReader in) throws HpackException {
        int at = in.offset();
        int first = in.peek();
        if ((first & 0x80) != 0) {
            return lookup(in.readInteger(7), at);
        }
        if ((first & 0x40) != 0) {
            HeaderField field = literal(in, 6, at);
            table.add(field);
            return field;
        }
        return literal(in, 4, at); // 0000 without indexing, 0001 never indexed: the same to us
    }

    /** A literal field whose name index has {@code prefixBits} bits (0: a literal name follows). */
    private HeaderField literal(BlockReader in, int prefixBits, int at) throws HpackException {
        int nameIndex = in.readInteger(prefixBits);
        String name = nameIndex == 0 ? in.readString() : lookup(nameIndex, at).name();
        return new HeaderField(name, in.readString());
    }

    /** The field at {@code index} of the static and dynamic tables together (section 2.3.3). */
    private HeaderField lookup(int index, int at) throws HpackException {
        if (index == 0) {
            throw new HpackException("index 0 at offset " + at);
        }
        if (index <= StaticTable.LENGTH) {
            return StaticTable.get(index);
        }
        int dynamic = index - StaticTable.LENGTH - 1;
        if (dynamic >= table.count()) {
            throw new HpackException("index " + index + " at offset " + at + " is past the end of the table ("
                    + StaticTable.LENGTH + " static and " + table.count() + " dynamic entries)");
        }
        return table.get(dynamic);
    }
}
