// SPDX-License-Identifier: Apache-2.0
package multipass.platform;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * Finds the local user behind a loopback TCP connection on Linux, from the kernel's socket
 * tables {@code /proc/net/tcp6} and {@code /proc/net/tcp}: the uid of the socket whose local
 * address and port are the client's end of the connection and whose remote address and port
 * are the daemon's end, in state ESTABLISHED. No external tool and no native code.
 *
 * <p>A line of those tables looks like this (the uid is the 8th column):
 * <pre>
 *   sl  local_address                         remote_address                        st ... uid  timeout inode
 *    3: 0000000000000000FFFF00000100007F:D2A4 0000000000000000FFFF00000100007F:C383 01 ... 1001 0       81234
 * </pre>
 * An address is printed as 32-bit words, each with {@code %08X} of the word as the CPU holds
 * it: on a little-endian machine 127.0.0.1 reads {@code 0100007F}. IPv6 has four such words;
 * an IPv4 client of a dual-stack socket appears there as {@code ::ffff:127.0.0.1}, which is
 * read back as the IPv4 address (as Java reports it). Ports are plain hexadecimal.
 *
 * <p>Why the answer can be believed, for loopback only: only the kernel writes these tables;
 * both ends of a loopback connection are sockets of this host (of this network namespace,
 * the one whose tables we read); and while the connection is open no other socket can hold
 * the same address and port pair, so exactly one ESTABLISHED entry matches (the scan stops at
 * it). The uid is that
 * of the process that created the client's socket. The lookup must therefore run while the
 * connection is open (the daemon does it right after {@code accept}): after a close, the
 * entry is gone or in TIME_WAIT, whose uid the kernel reports as 0, and is not used. A
 * non-loopback peer is never looked up: its end is not in this host's tables. Stateless and
 * thread-safe.
 */
public final class TcpSocketOwner {
    /** The kernel's TCP_ESTABLISHED, the {@code st} column. */
    static final int ESTABLISHED = 0x01;
    /** The bytes read at a time: a read of a {@code /proc/net} table returns as much as asked for, up to the end. */
    static final int BUFFER_BYTES = 64 * 1024;
    /** Marks a pair not looked for while the others are (below -1, so that {@link #find} does not look for it). */
    private static final long NOT_LOOKED_UP = -2;
    /** The ends of a pair not looked for: matches no line. */
    private static final Printed NOWHERE = new Printed(null, new byte[0]);
    /** Each calling thread's read buffer (the daemon has one accept thread), kept so that a lookup allocates nothing per line or block. */
    private static final ThreadLocal<byte[]> BUFFER = ThreadLocal.withInitial(() -> new byte[BUFFER_BYTES]);

    private final List<Path> tables;
    private final ByteOrder order;

    TcpSocketOwner(List<Path> tables, ByteOrder order) {
        this.tables = List.copyOf(tables);
        this.order = order;
    }

    /** No tables: no owner is ever found (another OS, or the bench knob that turns the lookup off). */
    public static TcpSocketOwner none() {
        return new TcpSocketOwner(List.of(), ByteOrder.nativeOrder());
    }

    /** The kernel's tables on Linux (IPv6 first: the JDK's sockets are dual-stack); elsewhere none, so no owner is ever found. */
    public static TcpSocketOwner forThisSystem() {
        boolean linux = System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("linux");
        return new TcpSocketOwner(linux ? List.of(Path.of("/proc/net/tcp6"), Path.of("/proc/net/tcp")) : List.of(), ByteOrder.nativeOrder());
    }

    /** True when this looks anything up (Linux), false for {@link #none()}. */
    public boolean readsTables() {
        return !tables.isEmpty();
    }

    /** True when both ends are loopback addresses: only then is the client's end in this host's tables. */
    public static boolean bothLoopback(InetSocketAddress client, InetSocketAddress daemon) {
        return client.getAddress() != null && daemon.getAddress() != null
                && client.getAddress().isLoopbackAddress() && daemon.getAddress().isLoopbackAddress();
    }

    /**
     * The uid owning the client's end of the open connection between {@code client} (the
     * daemon's remote address) and {@code daemon} (its local address); empty when either is
     * not loopback or no table has exactly one ESTABLISHED entry for it.
     *
     * @throws IOException when a table cannot be read or has a line this parser does not know
     */
    public OptionalLong ownerUid(InetSocketAddress client, InetSocketAddress daemon) throws IOException {
        long uid = ownerUids(List.of(client), List.of(daemon))[0];
        return uid < 0 ? OptionalLong.empty() : OptionalLong.of(uid);
    }

    /**
     * As {@link #ownerUid} for several connections at once, {@code clients.get(i)} with
     * {@code daemons.get(i)}, in one read of the tables for all (a table read costs in
     * proportion to its length, not to the number of connections looked for): the uid of each,
     * -1 for one not found. Every connection must be open from before this call until after it.
     *
     * @throws IOException when a table cannot be read or has a line this parser does not know
     */
    public long[] ownerUids(List<InetSocketAddress> clients, List<InetSocketAddress> daemons) throws IOException {
        int n = clients.size();
        long[] uids = new long[n];
        Printed[] locals = new Printed[n];
        Printed[] remotes = new Printed[n];
        int wanted = 0;
        for (int i = 0; i < n; i++) {
            InetSocketAddress client = clients.get(i);
            InetSocketAddress daemon = daemons.get(i);
            if (tables.isEmpty() || !bothLoopback(client, daemon)) {
                uids[i] = NOT_LOOKED_UP; // never looked for: a non-loopback end is not in this host's tables
                locals[i] = NOWHERE;
                remotes[i] = NOWHERE;
            } else {
                uids[i] = -1;
                locals[i] = Printed.of(client, order);
                remotes[i] = Printed.of(daemon, order);
                wanted++;
            }
        }
        if (wanted > 0) {
            byte[] buffer = BUFFER.get();
            for (Path table : tables) {
                try (FileChannel in = FileChannel.open(table, StandardOpenOption.READ)) {
                    find(in, buffer, order, locals, remotes, uids);
                } catch (NoSuchFileException e) {
                    continue; // a kernel without IPv6 has no tcp6 table
                } catch (IllegalArgumentException e) {
                    throw new IOException("unexpected line in " + table + ": " + e.getMessage(), e);
                }
                if (Arrays.stream(uids).noneMatch(uid -> uid == -1)) {
                    break;
                }
            }
        }
        for (int i = 0; i < n; i++) {
            uids[i] = Math.max(uids[i], -1);
        }
        return uids;
    }

    /** As {@link #find(ReadableByteChannel, byte[], ByteOrder, Printed[], Printed[], long[])} for one pair of ends, as Java reports them. */
    static OptionalLong find(ReadableByteChannel table, byte[] buffer, ByteOrder order, InetSocketAddress client, InetSocketAddress daemon)
            throws IOException {
        long[] uids = {-1};
        find(table, buffer, order, new Printed[] {Printed.of(client, order)}, new Printed[] {Printed.of(daemon, order)}, uids);
        return uids[0] < 0 ? OptionalLong.empty() : OptionalLong.of(uids[0]);
    }

    /**
     * Scans one table (header line first) for the clients' ESTABLISHED entries, the client of
     * pair {@code i} being {@code locals[i]} and its daemon end {@code remotes[i]}, and sets
     * {@code uids[i]} for each one found (one still -1 is looked for). The kernel lets only one
     * open socket hold a pair of ends, so the first match is the one; the scan stops once every
     * pair is found, and the kernel formats no more of the table. The table is read in blocks of
     * {@code buffer}'s size (one read call for up to {@value #BUFFER_BYTES} bytes, instead of
     * one per 8 KiB) and matched as bytes, line by line in place, against the ends as the kernel
     * prints them: nothing is decoded or allocated per line, only a matching line is parsed. A
     * table can hold thousands of sockets, TIME_WAIT ones of recent connections included, and
     * this runs for every batch of connections accepted.
     */
    static void find(ReadableByteChannel table, byte[] buffer, ByteOrder order, Printed[] locals, Printed[] remotes, long[] uids)
            throws IOException {
        int missing = 0;
        for (long uid : uids) {
            missing += uid == -1 ? 1 : 0;
        }
        ByteBuffer view = ByteBuffer.wrap(buffer);
        int filled = 0;
        boolean header = true;
        boolean end = false;
        while (missing > 0) {
            int n = end ? -1 : table.read(view);
            if (n < 0) {
                end = true;
            } else {
                filled += n;
            }
            int lineStart = 0;
            while (missing > 0) {
                int newline = indexOf(buffer, '\n', lineStart, filled);
                if (newline < 0) {
                    if (!end) {
                        break;
                    }
                    newline = filled; // a last line without a newline
                    if (newline == lineStart) {
                        return;
                    }
                }
                if (header) {
                    header = false;
                } else {
                    missing -= match(buffer, lineStart, newline, locals, remotes, uids, order);
                }
                lineStart = newline + 1;
                if (lineStart > filled) {
                    return;
                }
            }
            if (end) {
                return;
            }
            // Keep the incomplete line, at the start of the buffer.
            System.arraycopy(buffer, lineStart, buffer, 0, filled - lineStart);
            filled -= lineStart;
            if (filled == buffer.length) {
                throw new IllegalArgumentException("a line longer than " + buffer.length + " bytes");
            }
            view.clear().position(filled);
        }
    }

    /**
     * Sets {@code uids[i]} from the line at [{@code from}, {@code to}) if it is the ESTABLISHED
     * entry of the client of pair {@code i}, one still unknown; returns how many it set (0 or 1).
     */
    private static int match(byte[] line, int from, int to, Printed[] locals, Printed[] remotes, long[] uids, ByteOrder order) {
        int localAt = column(line, from, to, true);
        int remoteAt = column(line, localAt, to, false);
        int stateAt = column(line, remoteAt, to, false);
        if (stateAt < 0) {
            for (int i = from; i < to; i++) {
                if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r') {
                    throw new IllegalArgumentException("expected the slot, the two ends and the state: '" + text(line, from, to) + "'");
                }
            }
            return 0;
        }
        if (stateAt + 2 >= to || line[stateAt] != '0' || line[stateAt + 1] != '1' || line[stateAt + 2] != ' ') {
            return 0;
        }
        for (int i = 0; i < uids.length; i++) {
            if (uids[i] == -1 && locals[i].matches(line, localAt, to) && remotes[i].matches(line, remoteAt, to)) {
                uids[i] = Entry.parse(text(line, from, to), order).uid();
                return 1;
            }
        }
        return 0;
    }

    private static String text(byte[] line, int from, int to) {
        return new String(line, from, to - from, StandardCharsets.US_ASCII);
    }

    private static int indexOf(byte[] bytes, char wanted, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Where the column after the one starting at {@code at} starts, or with {@code first} the
     * column after the line's first (the slot), the line starting at {@code at}; -1 when there
     * is none.
     */
    private static int column(byte[] line, int at, int to, boolean first) {
        if (at < 0) {
            return -1;
        }
        int i = at;
        if (first) {
            while (i < to && line[i] == ' ') {
                i++;
            }
        }
        while (i < to && line[i] != ' ') {
            i++;
        }
        while (i < to && line[i] == ' ') {
            i++;
        }
        return i < to ? i : -1;
    }

    /** One end as the kernel prints it: 8 hex digits (IPv4 table, when IPv4) or 32 (IPv6 table), a colon, 4 hex digits. */
    record Printed(byte[] v4, byte[] v6) {
        static Printed of(InetSocketAddress end, ByteOrder order) {
            byte[] address = end.getAddress().getAddress();
            byte[] v6 = address;
            if (address.length == 4) {
                v6 = new byte[16];
                v6[10] = (byte) 0xff;
                v6[11] = (byte) 0xff;
                System.arraycopy(address, 0, v6, 12, 4);
            }
            return new Printed(address.length == 4 ? printed(address, end.getPort(), order) : null, printed(v6, end.getPort(), order));
        }

        /** {@code %08X} of each 32-bit word as the CPU holds it, a colon, {@code %04X} of the port. */
        private static byte[] printed(byte[] address, int port, ByteOrder order) {
            byte[] text = new byte[address.length * 2 + 5];
            ByteBuffer words = ByteBuffer.wrap(address).order(order);
            int at = 0;
            while (words.hasRemaining()) {
                at = hex(text, at, words.getInt() & 0xffffffffL, 8);
            }
            text[at++] = ':';
            hex(text, at, port, 4);
            return text;
        }

        private static int hex(byte[] text, int at, long value, int digits) {
            for (int i = digits - 1; i >= 0; i--) {
                text[at + i] = (byte) Character.toUpperCase(Character.forDigit((int) (value & 0xf), 16));
                value >>>= 4;
            }
            return at + digits;
        }

        /** True when the column at {@code at} of the line ending at {@code to} is this end (then followed by a space). */
        boolean matches(byte[] line, int at, int to) {
            return is(line, at, to, v6) || (v4 != null && is(line, at, to, v4));
        }

        private static boolean is(byte[] line, int at, int to, byte[] printed) {
            int end = at + printed.length;
            if (end >= to || line[end] != ' ') {
                return false;
            }
            for (int i = 0; i < printed.length; i++) {
                byte b = line[at + i];
                if (b >= 'a' && b <= 'f') {
                    b -= 'a' - 'A';
                }
                if (b != printed[i]) {
                    return false;
                }
            }
            return true;
        }
    }

    /** One socket of a table: its two ends, TCP state and owner. */
    record Entry(InetSocketAddress local, InetSocketAddress remote, int state, long uid) {
        /** Parses a table line; IllegalArgumentException names what is wrong. */
        static Entry parse(String line, ByteOrder order) {
            String[] fields = line.strip().split("\\s+");
            if (fields.length < 10 || !fields[0].endsWith(":")) {
                throw new IllegalArgumentException("expected at least 10 columns starting with the slot number: '" + line + "'");
            }
            return new Entry(endpoint(fields[1], order), endpoint(fields[2], order), (int) hex(fields[3], 2), decimal(fields[7]));
        }

        /** {@code 0100007F:1F90} or 32 hex digits, a colon and the port. */
        static InetSocketAddress endpoint(String text, ByteOrder order) {
            int colon = text.indexOf(':');
            String address = colon < 0 ? "" : text.substring(0, colon);
            if (address.length() != 8 && address.length() != 32) {
                throw new IllegalArgumentException("address '" + text + "' is not 8 or 32 hex digits and a port");
            }
            ByteBuffer bytes = ByteBuffer.allocate(address.length() / 2).order(order);
            for (int i = 0; i < address.length(); i += 8) {
                bytes.putInt((int) hex(address.substring(i, i + 8), 8));
            }
            try {
                // A 16-byte IPv4-mapped address comes back as an Inet4Address.
                return new InetSocketAddress(InetAddress.getByAddress(bytes.array()), (int) hex(text.substring(colon + 1), 4));
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("address '" + text + "': " + e.getMessage(), e);
            }
        }

        private static long hex(String text, int maxDigits) {
            if (text.isEmpty() || text.length() > maxDigits || !text.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                throw new IllegalArgumentException("'" + text + "' is not a hexadecimal number of at most " + maxDigits + " digits");
            }
            return Long.parseLong(text, 16);
        }

        private static long decimal(String text) {
            if (text.isEmpty() || text.length() > 10 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("uid '" + text + "' is not a decimal number");
            }
            return Long.parseLong(text);
        }
    }
}
