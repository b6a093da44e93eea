// SPDX-License-Identifier: Apache-2.0
package multipass.grpc;

import com.sun.management.ThreadMXBean;
import multipass.api.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link MessageReader} and {@link MessageFraming}: Length-Prefixed-Messages from DATA split anywhere. */
@Timeout(30)
class MessageReaderTest {
    private static final byte[] FIRST = "hello, multipass".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] SECOND = {};
    private static final byte[] THIRD = {1, 2, 3, 0, (byte) 0xFF};

    private static byte[] stream(byte[]... messages) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] message : messages) {
            ByteBuffer framed = MessageFraming.frame(message);
            out.write(framed.array(), framed.arrayOffset(), framed.remaining());
        }
        return out.toByteArray();
    }

    /** Feeds {@code chunks} in order and collects every message. */
    private static List<byte[]> readAll(MessageReader reader, byte[]... chunks) throws GrpcException {
        List<byte[]> messages = new ArrayList<>();
        for (byte[] chunk : chunks) {
            ByteBuffer src = ByteBuffer.wrap(chunk);
            while (src.hasRemaining()) {
                byte[] message = reader.read(src);
                if (message != null) {
                    messages.add(message);
                }
            }
        }
        return messages;
    }

    private static void assertMessages(List<byte[]> messages) {
        assertEquals(3, messages.size());
        assertArrayEquals(FIRST, messages.get(0));
        assertArrayEquals(SECOND, messages.get(1));
        assertArrayEquals(THIRD, messages.get(2));
    }

    @Test
    void framingIsAFlagAndABigEndianLength() {
        ByteBuffer framed = MessageFraming.frame(THIRD);
        assertArrayEquals(new byte[] {0, 0, 0, 0, 5, 1, 2, 3, 0, (byte) 0xFF}, framed.array());
        assertEquals(0, framed.position());
    }

    @Test
    void messagesSplitAtEveryByteBoundaryAndEveryPairOfBoundaries() throws GrpcException {
        byte[] all = stream(FIRST, SECOND, THIRD);
        for (int i = 0; i <= all.length; i++) {
            for (int j = i; j <= all.length; j++) {
                MessageReader reader = new MessageReader(1024, new MemoryBudget(1 << 20));
                assertMessages(readAll(reader, slice(all, 0, i), slice(all, i, j), slice(all, j, all.length)));
                assertFalse(reader.midMessage());
            }
        }
    }

    @Test
    void oneByteAtATime() throws GrpcException {
        byte[] all = stream(FIRST, SECOND, THIRD);
        byte[][] bytes = new byte[all.length][];
        for (int i = 0; i < all.length; i++) {
            bytes[i] = new byte[] {all[i]};
        }
        MemoryBudget budget = new MemoryBudget(1 << 20);
        assertMessages(readAll(new MessageReader(1024, budget), bytes));
        assertEquals(0, budget.used(), "a complete message gives its bytes back");
    }

    @Test
    void aMessageEndsTheReadAndLeavesTheRestInTheSource() throws GrpcException {
        ByteBuffer src = ByteBuffer.wrap(stream(FIRST, THIRD));
        MessageReader reader = new MessageReader(1024, MemoryBudget.UNLIMITED);
        assertArrayEquals(FIRST, reader.read(src));
        assertEquals(MessageFraming.PREFIX_LENGTH + THIRD.length, src.remaining());
        assertArrayEquals(THIRD, reader.read(src));
        assertNull(reader.read(src));
    }

    @Test
    void aMessageOfExactlyTheLimitPassesAndOneMoreIsResourceExhausted() throws GrpcException {
        assertEquals(100, readAll(new MessageReader(100, MemoryBudget.UNLIMITED), stream(new byte[100])).get(0).length);
        MessageReader reader = new MessageReader(100, MemoryBudget.UNLIMITED);
        GrpcException e = assertThrows(GrpcException.class, () -> reader.read(ByteBuffer.wrap(new byte[] {0, 0, 0, 0, 101})));
        assertEquals(Status.RESOURCE_EXHAUSTED, e.status());
        assertEquals("received a message of 101 bytes, over the limit of 100 bytes", e.getMessage());
    }

    @Test
    void aFourGibibytePrefixCostsNothing() {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        MessageReader reader = new MessageReader(GrpcLimits.MAX_RECEIVE_MESSAGE, MemoryBudget.UNLIMITED);
        byte[] prefix = {0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 42};
        long before = threads.getCurrentThreadAllocatedBytes();
        GrpcException e = assertThrows(GrpcException.class, () -> reader.read(ByteBuffer.wrap(prefix)));
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals(Status.RESOURCE_EXHAUSTED, e.status());
        assertEquals("received a message of 4294967295 bytes, over the limit of 4194304 bytes", e.getMessage());
        assertTrue(allocated < 64 * 1024, "a 4 GiB prefix allocated " + allocated + " bytes");
    }

    @Test
    void aPrefixUnderTheLimitBuffersOnlyWhatCame() throws GrpcException {
        MemoryBudget budget = new MemoryBudget(1 << 30);
        MessageReader reader = new MessageReader(GrpcLimits.MAX_RECEIVE_MESSAGE, budget);
        assertNull(reader.read(ByteBuffer.wrap(new byte[] {0, 0, 0x40, 0, 0, 7})));
        assertTrue(reader.midMessage());
        assertEquals(MessageReader.INITIAL_BUFFER, budget.used(), "one byte of a 4 MiB message holds the first buffer only");
        reader.release();
        assertEquals(0, budget.used());
    }

    @Test
    void compressedWithoutANegotiatedEncodingIsUnimplemented() {
        MessageReader reader = new MessageReader(1024, MemoryBudget.UNLIMITED);
        GrpcException e = assertThrows(GrpcException.class, () -> reader.read(ByteBuffer.wrap(new byte[] {1, 0, 0, 0, 1, 9})));
        assertEquals(Status.UNIMPLEMENTED, e.status());
        assertEquals("received a compressed message, but no grpc-encoding was negotiated (only identity is supported)", e.getMessage());
    }

    @Test
    void aFlagThatIsNeitherZeroNorOneIsInternal() {
        for (int flag : new int[] {2, 0x80, 0xFF}) {
            MessageReader reader = new MessageReader(1024, MemoryBudget.UNLIMITED);
            GrpcException e = assertThrows(GrpcException.class, () -> reader.read(ByteBuffer.wrap(new byte[] {(byte) flag, 0, 0, 0, 0})));
            assertEquals(Status.INTERNAL, e.status());
            assertEquals("invalid compressed flag " + flag + " in a message prefix", e.getMessage());
        }
    }

    @Test
    void theConnectionBudgetIsSharedAndPassingItIsResourceExhausted() throws GrpcException {
        MemoryBudget budget = new MemoryBudget(3 * MessageReader.INITIAL_BUFFER);
        MessageReader first = new MessageReader(1 << 20, budget);
        MessageReader second = new MessageReader(1 << 20, budget);
        byte[] halfOfBig = slice(stream(new byte[4 * MessageReader.INITIAL_BUFFER]), 0, 2 * MessageReader.INITIAL_BUFFER);
        assertNull(first.read(ByteBuffer.wrap(halfOfBig)));
        assertEquals(2 * MessageReader.INITIAL_BUFFER - MessageFraming.PREFIX_LENGTH, budget.used(), "exactly the bytes that came");
        GrpcException e = assertThrows(GrpcException.class, () -> second.read(ByteBuffer.wrap(halfOfBig)));
        assertEquals(Status.RESOURCE_EXHAUSTED, e.status());
        assertEquals("the connection holds more than " + 3 * MessageReader.INITIAL_BUFFER + " bytes of incomplete messages", e.getMessage());
        second.release();
        first.release();
        assertEquals(0, budget.used());
    }

    private static byte[] slice(byte[] all, int from, int to) {
        return java.util.Arrays.copyOfRange(all, from, to);
    }
}
