// SPDX-License-Identifier: Apache-2.0
package multipass.protocol;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ReplyFrames} and the record batch (message type 4) of protocol version 2: a reply that
 * fits in a frame is the one body it always was; a bigger one is cut into batches that each fit,
 * the final reply last, with every record once and in order, made only as the frames are; and
 * version 1 peers are told apart by the version byte alone.
 */
class ReplyFramesTest {
    @Test
    void aReplyThatFitsIsOneBodyAsEncodedWhole() throws ProtocolException {
        Reply reply = Reply.ok(records(50, 10));
        ReplyFrames frames = new ReplyFrames(reply, 1 << 20);
        assertArrayEquals(MessageCodec.encode(reply), frames.next());
        assertNull(frames.next());
        assertNull(frames.next());
    }

    @Test
    void anErrorWithoutRecordsIsOneBody() throws ProtocolException {
        Reply reply = Reply.error(Status.NOT_FOUND, "instance \"x\" does not exist");
        ReplyFrames frames = new ReplyFrames(reply, 64);
        assertArrayEquals(MessageCodec.encode(reply), frames.next());
        assertNull(frames.next());
    }

    @ParameterizedTest
    @ValueSource(ints = {60, 61, 64, 100, 333, 1000, 4096})
    void aBiggerReplyIsCutIntoBatchesThatFitThenTheFinalReply(int maxBody) throws ProtocolException {
        Random random = new Random(maxBody);
        List<Map<String, String>> records = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            records.add(Map.of("name", "n" + i, "pad", "p".repeat(random.nextInt(20))));
        }
        Reply reply = new Reply(Status.OK, "done", records);
        List<Map<String, String>> received = new ArrayList<>();
        List<byte[]> bodies = bodies(reply, maxBody);
        for (int i = 0; i < bodies.size(); i++) {
            assertTrue(bodies.get(i).length <= maxBody, "body " + i + " of " + bodies.get(i).length + " bytes");
            Message message = MessageCodec.decode(bodies.get(i));
            if (i < bodies.size() - 1) {
                received.addAll(assertInstanceOf(RecordBatch.class, message).records());
            } else {
                Reply last = assertInstanceOf(Reply.class, message);
                assertEquals("done", last.message());
                received.addAll(last.records());
            }
        }
        assertTrue(bodies.size() > 1);
        assertEquals(records, received);
    }

    @Test
    void batchesAreFilledUpToTheLimit() throws ProtocolException {
        // Each record field is 1 + 4 + (2 + 1 + 4 + 3) = 15 bytes; a batch body is 2 + 15n; the
        // final reply 2 + 6 (status) + 5 (empty message) + 15n.
        List<byte[]> bodies = bodies(Reply.ok(IntStream.range(0, 10).mapToObj(i -> Map.of("k", String.format("%03d", i))).toList()), 47);
        assertEquals(List.of(47, 47, 47, 13 + 15), bodies.stream().map(b -> b.length).toList());
    }

    @Test
    void theRecordsAreMadeOnlyAsTheFramesAre() throws ProtocolException {
        AtomicInteger made = new AtomicInteger();
        List<Integer> items = IntStream.range(0, 100_000).boxed().toList();
        Reply reply = Reply.ok(RecordView.of(items, i -> {
            made.incrementAndGet();
            return Map.of("name", "instance-" + i);
        }));
        assertEquals(0, made.get(), "a reply over a record view makes no record up front");
        ReplyFrames frames = new ReplyFrames(reply, 1 << 20);
        byte[] first = frames.next();
        assertTrue(made.get() < 100_000 && made.get() > 1000, made.get() + " records made for the first frame");
        int count = assertInstanceOf(RecordBatch.class, MessageCodec.decode(first)).records().size();
        for (byte[] body = frames.next(); body != null; body = frames.next()) {
            Message message = MessageCodec.decode(body);
            count += message instanceof RecordBatch batch ? batch.records().size() : ((Reply) message).records().size();
        }
        assertEquals(100_000, count);
        assertEquals(100_000, made.get(), "each record made once");
    }

    @Test
    void aRecordTooBigForAFrameIsAProtocolError() throws ProtocolException {
        ReplyFrames frames = new ReplyFrames(Reply.ok(List.of(Map.of("k", "v"), Map.of("big", "x".repeat(100)))), 64);
        ProtocolException e = assertThrows(ProtocolException.class, frames::next);
        assertEquals("a record of 114 bytes does not fit in a frame of 64 bytes", e.getMessage());
    }

    @Test
    void aMessageTooBigForAFrameIsAProtocolError() {
        ReplyFrames frames = new ReplyFrames(Reply.error(Status.INTERNAL, "x".repeat(100)), 64);
        assertEquals("a reply message of 113 bytes does not fit in a frame of 64 bytes", assertThrows(ProtocolException.class, frames::next).getMessage());
    }

    @Test
    void aRecordBatchRoundTrips() throws ProtocolException {
        RecordBatch batch = new RecordBatch(records(3, 2));
        assertEquals(batch, MessageCodec.decode(MessageCodec.encode(batch)));
        assertEquals(List.of(MessageCodec.VERSION, MessageCodec.TYPE_RECORDS),
                List.of((int) MessageCodec.encode(batch)[0], (int) MessageCodec.encode(batch)[1]));
    }

    @Test
    void aRecordBatchHoldsRecordsOnly() {
        byte[] empty = {MessageCodec.VERSION, MessageCodec.TYPE_RECORDS};
        assertEquals("a record batch must hold at least one record", assertThrows(ProtocolException.class, () -> MessageCodec.decode(empty)).getMessage());
        byte[] status = {MessageCodec.VERSION, MessageCodec.TYPE_RECORDS, MessageCodec.REPLY_STATUS, 0, 0, 0, 1, 0};
        assertEquals("unknown field tag 1", assertThrows(ProtocolException.class, () -> MessageCodec.decode(status)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new RecordBatch(List.of()));
    }

    @Test
    void aVersion1DaemonsReplyIsAVersionMismatchHere() {
        // What a version 1 daemon answers a version 2 request (bytes from the version 1 build).
        String text = "protocol version mismatch: the peer speaks version 2, this build speaks version 1;"
                + " install the same multipass version for the client and the daemon";
        byte[] body = HexFormat.of().parseHex("0103" + "010000000109" + "02" + String.format("%08x", text.length())
                + HexFormat.of().formatHex(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        VersionMismatchException e = assertThrows(VersionMismatchException.class, () -> MessageCodec.decode(body));
        assertEquals(1, e.peerVersion());
        assertEquals("protocol version mismatch: the peer speaks version 1, this build speaks version 2;"
                + " install the same multipass version for the client and the daemon", e.getMessage());
    }

    @Test
    void aVersion1ClientIsToldByTheFirstByteOfEveryFrame() throws ProtocolException {
        // A version 1 decoder reads the version byte first and stops there: whatever the frame, it says "version 2".
        Reply big = Reply.ok(records(1000, 5));
        for (byte[] body : bodies(big, 4096)) {
            assertEquals(2, body[0]);
        }
    }

    private static List<byte[]> bodies(Reply reply, int maxBody) throws ProtocolException {
        ReplyFrames frames = new ReplyFrames(reply, maxBody);
        List<byte[]> bodies = new ArrayList<>();
        for (byte[] body = frames.next(); body != null; body = frames.next()) {
            bodies.add(body);
        }
        return bodies;
    }

    private static List<Map<String, String>> records(int count, int keys) {
        List<Map<String, String>> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Map<String, String> record = new LinkedHashMap<>();
            for (int k = 0; k < keys; k++) {
                record.put("key" + k, "value " + i + "/" + k);
            }
            records.add(record);
        }
        return records;
    }
}
