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
 * the same address and port pair, so exactly one ESTABLISHED entry matches. The uid is that
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

    /** Scans one table (header line first) for the client's ESTABLISHED entry; empty when none or more than one. */
    static OptionalLong find(BufferedReader table, ByteOrder order, InetSocketAddress client, InetSocketAddress daemon) throws IOException {
        table.readLine(); // the column headings
        long found = -1;
        int matches = 0;
        String line;
        while ((line = table.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            Entry entry = Entry.parse(line, order);
            if (entry.state() == ESTABLISHED && same(entry.local(), client) && same(entry.remote(), daemon)) {
                found = entry.uid();
                matches++;
            }
        }
        return matches == 1 ? OptionalLong.of(found) : OptionalLong.empty();
    }

    private static boolean same(InetSocketAddress a, InetSocketAddress b) {
        return a.getPort() == b.getPort() && Arrays.equals(a.getAddress().getAddress(), b.getAddress().getAddress());
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
