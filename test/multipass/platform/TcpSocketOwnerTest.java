// SPDX-License-Identifier: Apache-2.0
package multipass.platform;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link TcpSocketOwner} on sample table text as Linux prints it: the client's end is found
 * (never the daemon's accepted socket, owned by the daemon), IPv4-mapped IPv6 entries match
 * IPv4 addresses, each 32-bit word is read in the given byte order, only ESTABLISHED entries
 * count (TIME_WAIT reports uid 0), the scan stops at the match, a non-loopback peer is not
 * looked up, and a line the parser does not know is an error naming the table.
 */
class TcpSocketOwnerTest {
    private static final String V4_HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";
    private static final String V6_HEADER = "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when"
            + " retrnsmt   uid  timeout inode\n";
    /** The daemon listens on 127.0.0.1:50051 (C383); the client's end is 127.0.0.1:53924 (D2A4). */
    private static final String V4_TABLE = V4_HEADER
            + "   0: 0100007F:C383 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1680 1 000000001ae12097 100 0 0 10 0\n"
            + "   1: 0100007F:C383 0100007F:D2A4 01 00000000:00000000 00:00000000 00000000     0        0 1700 1 000000003c5a1b2f 20 4 1 10 -1\n"
            + "   2: 0100007F:D2A4 0100007F:C383 01 00000000:00000000 00:00000000 00000000  1001        0 1701 1 00000000d7e01f44 20 4 30 10 -1\n"
            + "   3: 0100007F:D2A5 0100007F:C383 06 00000000:00000000 03:000016A5 00000000     0        0 0 3 0000000000000000\n";
    private static final String MAPPED_LOOPBACK = "0000000000000000FFFF00000100007F";
    private static final String V6_LOOPBACK = "00000000000000000000000001000000";

    private static final InetSocketAddress DAEMON = new InetSocketAddress(InetAddress.getLoopbackAddress(), 50051);
    private static final InetSocketAddress CLIENT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 53924);

    @TempDir
    Path dir;

    private static OptionalLong find(String table, ByteOrder order, InetSocketAddress client, InetSocketAddress daemon) throws IOException {
        OptionalLong whole = TcpSocketOwner.find(channel(table), new byte[TcpSocketOwner.BUFFER_BYTES], order, client, daemon);
        // Lines cut across blocks at every place: a buffer just longer than the longest line.
        int longest = table.lines().mapToInt(String::length).max().orElse(0) + 1;
        for (int size = longest; size < longest + 40; size++) {
            assertEquals(whole, TcpSocketOwner.find(channel(table), new byte[size], order, client, daemon), "buffer of " + size);
        }
        return whole;
    }

    private static ReadableByteChannel channel(String table) {
        return Channels.newChannel(new ByteArrayInputStream(table.getBytes(StandardCharsets.US_ASCII)));
    }

    private static String v6Line(int slot, String local, String remote, String state, long uid) {
        return String.format("  %2d: %s %s %s 00000000:00000000 00:00000000 00000000 %5d        0 %d 1 0000000012345678 20 4 30 10 -1%n",
                slot, local, remote, state, uid, 4000 + slot);
    }

    @Test
    void findsTheClientsEndNotTheDaemonsAcceptedSocket() throws IOException {
        assertEquals(OptionalLong.of(1001), find(V4_TABLE, ByteOrder.LITTLE_ENDIAN, CLIENT, DAEMON));
        // Asked the other way round, the daemon's own socket would answer: the caller must pass (remote, local).
        assertEquals(OptionalLong.of(0), find(V4_TABLE, ByteOrder.LITTLE_ENDIAN, DAEMON, CLIENT));
    }

    @Test
    void anIpv4MappedEntryInTcp6MatchesTheIpv4AddressJavaReports() throws IOException {
        String table = V6_HEADER
                + v6Line(0, MAPPED_LOOPBACK + ":C383", "00000000000000000000000000000000:0000", "0A", 0)
                + v6Line(1, MAPPED_LOOPBACK + ":C383", MAPPED_LOOPBACK + ":D2A4", "01", 0)
                + v6Line(2, MAPPED_LOOPBACK + ":D2A4", MAPPED_LOOPBACK + ":C383", "01", 1234);
        assertEquals(OptionalLong.of(1234), find(table, ByteOrder.LITTLE_ENDIAN, CLIENT, DAEMON));
    }

    @Test
    void findsAnIpv6LoopbackClient() throws IOException {
        InetAddress v6 = InetAddress.getByName("::1");
        String table = V6_HEADER
                + v6Line(0, V6_LOOPBACK + ":C383", V6_LOOPBACK + ":D2A4", "01", 0)
                + v6Line(1, V6_LOOPBACK + ":D2A4", V6_LOOPBACK + ":C383", "01", 1002);
        assertEquals(OptionalLong.of(1002), find(table, ByteOrder.LITTLE_ENDIAN, new InetSocketAddress(v6, 53924), new InetSocketAddress(v6, 50051)));
        assertEquals(OptionalLong.empty(), find(table, ByteOrder.LITTLE_ENDIAN, CLIENT, DAEMON), "::1 is not 127.0.0.1");
    }

    @Test
    void eachWordIsReadInTheMachinesByteOrder() throws IOException {
        String bigEndian = V4_HEADER
                + "   0: 7F000001:D2A4 7F000001:C383 01 00000000:00000000 00:00000000 00000000  1003        0 1701 1 0000000012345678 20 4 30 10 -1\n";
        assertEquals(OptionalLong.of(1003), find(bigEndian, ByteOrder.BIG_ENDIAN, CLIENT, DAEMON));
        assertEquals(OptionalLong.empty(), find(bigEndian, ByteOrder.LITTLE_ENDIAN, CLIENT, DAEMON), "read little-endian it is 1.0.0.127");
        assertEquals(new InetSocketAddress(InetAddress.getByName("::ffff:127.0.0.1"), 50051),
                TcpSocketOwner.Entry.endpoint("00000000" + "00000000" + "0000FFFF" + "7F000001" + ":C383", ByteOrder.BIG_ENDIAN));
        assertEquals(new InetSocketAddress(InetAddress.getByName("::1"), 1),
                TcpSocketOwner.Entry.endpoint(V6_LOOPBACK + ":0001", ByteOrder.LITTLE_ENDIAN));
    }

    @Test
    void onlyEstablishedEntriesCount() throws IOException {
        // After the client closed, its tuple may linger in TIME_WAIT, where the kernel reports uid 0: never believed.
        String lingering = V4_HEADER
                + "   0: 0100007F:D2A4 0100007F:C383 06 00000000:00000000 03:000016A5 00000000     0        0 0 3 0000000000000000\n"
                + "   1: 0100007F:D2A4 0100007F:C383 08 00000000:00000000 00:00000000 00000000  1001        0 1701 1 0000000012345678 20 4 30 10 -1\n";
        assertEquals(OptionalLong.empty(), find(lingering, ByteOrder.LITTLE_ENDIAN, CLIENT, DAEMON));
    }

    @Test
    void noMatchGivesNothingAndTheScanStopsAtTheMatch() throws IOException {
        assertEquals(OptionalLong.empty(), find(V4_TABLE, ByteOrder.LITTLE_ENDIAN, new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000), DAEMON));
        assertEquals(OptionalLong.empty(), find(V4_HEADER, ByteOrder.LITTLE_ENDIAN, CLIENT, DAEMON));
        // The kernel holds one open socket per pair of ends; what follows the match is not read (here it would not parse).
        assertEquals(OptionalLong.of(1001), find(V4_TABLE + "   4: garbage\n", ByteOrder.LITTLE_ENDIAN, CLIENT, DAEMON));
        // Lower-case hex (not what Linux prints) matches too, and a longer port is not a prefix match.
        assertEquals(OptionalLong.of(1001), find(V4_HEADER + V4_TABLE.lines().skip(3).findFirst().orElseThrow().toLowerCase(java.util.Locale.ROOT)
                + "\n", ByteOrder.LITTLE_ENDIAN, CLIENT, DAEMON));
        assertEquals(OptionalLong.empty(), find(V4_HEADER + "   0: 0100007F:D2A40 0100007F:C383 01 00000000:00000000 00:00000000 00000000  1001 0 1 1\n",
                ByteOrder.LITTLE_ENDIAN, CLIENT, DAEMON));
    }

    @Test
    void readsTheTablesInOrderAndSkipsAMissingOne() throws IOException {
        Path tcp = Files.writeString(dir.resolve("tcp"), V4_TABLE);
        Path tcp6 = Files.writeString(dir.resolve("tcp6"), V6_HEADER + v6Line(0, MAPPED_LOOPBACK + ":D2A4", MAPPED_LOOPBACK + ":C383", "01", 1005));
        assertEquals(OptionalLong.of(1005), new TcpSocketOwner(List.of(tcp6, tcp), ByteOrder.LITTLE_ENDIAN).ownerUid(CLIENT, DAEMON));
        assertEquals(OptionalLong.of(1001), new TcpSocketOwner(List.of(dir.resolve("absent"), tcp), ByteOrder.LITTLE_ENDIAN).ownerUid(CLIENT, DAEMON));
        assertEquals(OptionalLong.empty(), new TcpSocketOwner(List.of(), ByteOrder.LITTLE_ENDIAN).ownerUid(CLIENT, DAEMON), "no tables: not Linux");
    }

    @Test
    void aNonLoopbackPeerIsNotLookedUp() throws IOException {
        String lan = V4_HEADER
                + "   0: 0501A8C0:D2A4 0101A8C0:C383 01 00000000:00000000 00:00000000 00000000  1001        0 1701 1 0000000012345678 20 4 30 10 -1\n";
        Path tcp = Files.writeString(dir.resolve("tcp"), lan);
        TcpSocketOwner owners = new TcpSocketOwner(List.of(tcp), ByteOrder.LITTLE_ENDIAN);
        InetSocketAddress client = new InetSocketAddress(InetAddress.getByName("192.168.1.5"), 53924);
        InetSocketAddress daemon = new InetSocketAddress(InetAddress.getByName("192.168.1.1"), 50051);
        assertEquals(OptionalLong.of(1001), find(lan, ByteOrder.LITTLE_ENDIAN, client, daemon), "the table has it");
        assertEquals(OptionalLong.empty(), owners.ownerUid(client, daemon), "but only loopback is believed");
        assertEquals(OptionalLong.empty(), owners.ownerUid(client, DAEMON));
    }

    @Test
    void anUnknownLineIsAnErrorNamingTheTable() throws IOException {
        Path tcp = Files.writeString(dir.resolve("tcp"), V4_HEADER + "   0: 0100007F:D2A4 garbage\n");
        IOException e = assertThrows(IOException.class, () -> new TcpSocketOwner(List.of(tcp), ByteOrder.LITTLE_ENDIAN).ownerUid(CLIENT, DAEMON));
        assertTrue(e.getMessage().startsWith("unexpected line in " + tcp + ": "), e.getMessage());
        for (String bad : List.of("0100007F", "0100007:C383", "0100007F:C383Z", "0100007G:C383", "0100007F:123456", ":C383")) {
            assertThrows(IllegalArgumentException.class, () -> TcpSocketOwner.Entry.endpoint(bad, ByteOrder.LITTLE_ENDIAN), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> TcpSocketOwner.Entry.parse(
                "   0: 0100007F:D2A4 0100007F:C383 01 00000000:00000000 00:00000000 00000000  -1 0 1701 1", ByteOrder.LITTLE_ENDIAN));
    }

    @Test
    void severalConnectionsAreFoundInOneReadEachWithItsOwnEntry() throws IOException {
        // Two clients of the same daemon: each pair gets the uid of its own client end, never the other's.
        String table = V4_HEADER
                + "   0: 0100007F:C383 0100007F:D2A4 01 00000000:00000000 00:00000000 00000000     0        0 1700 1 0 20 4 1 10 -1\n"
                + "   1: 0100007F:D2A5 0100007F:C383 01 00000000:00000000 00:00000000 00000000  2002        0 1702 1 0 20 4 30 10 -1\n"
                + "   2: 0100007F:D2A4 0100007F:C383 01 00000000:00000000 00:00000000 00000000  1001        0 1701 1 0 20 4 30 10 -1\n"
                + "   3: 0100007F:D2A6 0100007F:C383 06 00000000:00000000 03:000016A5 00000000     0        0 0 3 0\n";
        Path tcp = Files.writeString(dir.resolve("tcp"), table);
        TcpSocketOwner owners = new TcpSocketOwner(List.of(tcp), ByteOrder.LITTLE_ENDIAN);
        InetSocketAddress second = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0xD2A5);
        InetSocketAddress lingering = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0xD2A6);
        InetSocketAddress lan = new InetSocketAddress(InetAddress.getByName("192.168.1.5"), 0xD2A4);
        assertArrayEquals(new long[] {1001, 2002}, owners.ownerUids(List.of(CLIENT, second), List.of(DAEMON, DAEMON)));
        assertArrayEquals(new long[] {2002, 1001}, owners.ownerUids(List.of(second, CLIENT), List.of(DAEMON, DAEMON)));
        assertArrayEquals(new long[] {-1, 1001, -1}, owners.ownerUids(List.of(lan, CLIENT, second), List.of(DAEMON, DAEMON, CLIENT)),
                "a non-loopback client is not looked for, and a pair the wrong way round is not a match");
        assertArrayEquals(new long[] {-1, 1001}, owners.ownerUids(List.of(lingering, CLIENT), List.of(DAEMON, DAEMON)), "TIME_WAIT is nobody");
        // Once every pair is found the scan stops (the garbage line is not read); a pair not found makes it read on, to the garbage.
        TcpSocketOwner garbage = new TcpSocketOwner(List.of(Files.writeString(dir.resolve("tcp-garbage"), table + "   4: garbage\n")),
                ByteOrder.LITTLE_ENDIAN);
        assertArrayEquals(new long[] {2002, 1001}, garbage.ownerUids(List.of(second, CLIENT), List.of(DAEMON, DAEMON)));
        assertThrows(IOException.class, () -> garbage.ownerUids(List.of(CLIENT, lingering), List.of(DAEMON, DAEMON)));
        assertArrayEquals(new long[0], owners.ownerUids(List.of(), List.of()));
    }
}
