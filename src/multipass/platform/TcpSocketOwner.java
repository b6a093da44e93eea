// SPDX-License-Identifier: Apache-2.0
package multipass.platform;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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

    private final List<Path> tables;
    private final ByteOrder order;

    TcpSocketOwner(List<Path> tables, ByteOrder order) {
        this.tables = List.copyOf(tables);
        this.order = order;
    }

    /** The kernel's tables on Linux (IPv6 first: the JDK's sockets are dual-stack); elsewhere none, so no owner is ever found. */
    public static TcpSocketOwner forThisSystem() {
        boolean linux = System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("linux");
        return new TcpSocketOwner(linux ? List.of(Path.of("/proc/net/tcp6"), Path.of("/proc/net/tcp")) : List.of(), ByteOrder.nativeOrder());
    }

    /**
     * The uid owning the client's end of the open connection between {@code client} (the
     * daemon's remote address) and {@code daemon} (its local address); empty when either is
     * not loopback or no table has exactly one ESTABLISHED entry for it.
     *
     * @throws IOException when a table cannot be read or has a line this parser does not know
     */
    public OptionalLong ownerUid(InetSocketAddress client, InetSocketAddress daemon) throws IOException {
        if (client.getAddress() == null || daemon.getAddress() == null
                || !client.getAddress().isLoopbackAddress() || !daemon.getAddress().isLoopbackAddress()) {
            return OptionalLong.empty();
        }
        for (Path table : tables) {
            try (BufferedReader reader = Files.newBufferedReader(table, StandardCharsets.US_ASCII)) {
                OptionalLong uid = find(reader, order, client, daemon);
                if (uid.isPresent()) {
                    return uid;
                }
            } catch (NoSuchFileException e) {
                continue; // a kernel without IPv6 has no tcp6 table
            } catch (IllegalArgumentException e) {
                throw new IOException("unexpected line in " + table + ": " + e.getMessage(), e);
            }
        }
        return OptionalLong.empty();
    }

    /**
     * Scans one table (header line first) for the client's ESTABLISHED entry. The kernel lets
     * only one open socket hold a pair of ends, so the first match is the one; the scan stops
     * there. Lines are matched as text against the two ends as the kernel would print them
     * (no parsing or allocation per line beyond reading it): a table can hold thousands of
     * sockets, TIME_WAIT ones of recent connections included, and this runs per connection.
     */
    static OptionalLong find(BufferedReader table, ByteOrder order, InetSocketAddress client, InetSocketAddress daemon) throws IOException {
        Printed local = Printed.of(client, order);
        Printed remote = Printed.of(daemon, order);
        table.readLine(); // the column headings
        String line;
        while ((line = table.readLine()) != null) {
            int localAt = column(line, 1);
            int remoteAt = column(line, localAt);
            int stateAt = column(line, remoteAt);
            if (stateAt < 0) {
                if (line.isBlank()) {
                    continue;
                }
                throw new IllegalArgumentException("expected the slot, the two ends and the state: '" + line + "'");
            }
            if (local.matches(line, localAt) && remote.matches(line, remoteAt) && line.startsWith("01 ", stateAt)) {
                return OptionalLong.of(Entry.parse(line, order).uid());
            }
        }
        return OptionalLong.empty();
    }

    /** Where the column after the one starting at {@code from} starts (the first call skips the slot); -1 when there is none. */
    private static int column(String line, int from) {
        if (from < 0) {
            return -1;
        }
        int i = from == 1 ? 0 : from;
        while (i < line.length() && line.charAt(i) == ' ') {
            i++;
        }
        while (i < line.length() && line.charAt(i) != ' ') {
            i++;
        }
        while (i < line.length() && line.charAt(i) == ' ') {
            i++;
        }
        return i < line.length() ? i : -1;
    }

    /** One end as the kernel prints it: 8 hex digits (IPv4 table, when IPv4) or 32 (IPv6 table), a colon, 4 hex digits. */
    private record Printed(String v4, String v6) {
        static Printed of(InetSocketAddress end, ByteOrder order) {
            byte[] address = end.getAddress().getAddress();
            String port = String.format(Locale.ROOT, ":%04X", end.getPort());
            byte[] v6 = address;
            if (address.length == 4) {
                v6 = new byte[16];
                v6[10] = (byte) 0xff;
                v6[11] = (byte) 0xff;
                System.arraycopy(address, 0, v6, 12, 4);
            }
            return new Printed(address.length == 4 ? words(address, order) + port : null, words(v6, order) + port);
        }

        private static String words(byte[] bytes, ByteOrder order) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes).order(order);
            StringBuilder text = new StringBuilder();
            while (buffer.hasRemaining()) {
                text.append(String.format(Locale.ROOT, "%08X", buffer.getInt()));
            }
            return text.toString();
        }

        /** True when the column at {@code at} of {@code line} is this end (then followed by a space). */
        boolean matches(String line, int at) {
            return is(line, at, v6) || (v4 != null && is(line, at, v4));
        }

        private static boolean is(String line, int at, String printed) {
            int end = at + printed.length();
            return line.regionMatches(true, at, printed, 0, printed.length()) && end < line.length() && line.charAt(end) == ' ';
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
