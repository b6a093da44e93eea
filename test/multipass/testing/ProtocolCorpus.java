// SPDX-License-Identifier: Apache-2.0
package multipass.testing;

import multipass.protocol.LogLevel;
import multipass.protocol.LogLine;
import multipass.protocol.Message;
import multipass.protocol.MessageCodec;
import multipass.protocol.Reply;
import multipass.protocol.Request;
import multipass.protocol.Status;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Valid protocol inputs for the {@link Mutator}: message bodies (as {@code MessageCodec}
 * encodes them) and frame streams (one to three frames, as {@code FrameChannel} sends them),
 * each with the offsets of its length fields: the frame headers, each field's u32 length, and
 * inside record and option fields each pair's u16 key length and u32 value length.
 */
public final class ProtocolCorpus {
    /** Field tags whose values are pairs: a request's option, a reply's record. */
    private static final int REQUEST_OPTION = 4;
    private static final int REPLY_RECORD = 3;

    private ProtocolCorpus() {
    }

    /** Harmless requests: what the live-daemon fuzzing may send (no set, no removal, no authenticate). */
    public static List<Message> harmlessRequests() {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("format", "json");
        options.put("ünïcode", "välüe ✓");
        return List.of(
                Request.of("list", 0),
                Request.of("version", 4),
                Request.of("get", 2, "local.passphrase"),
                Request.of("trust-list", 3),
                Request.of("no-such-command", 1, "", "second"),
                new Request("list", 1, List.of("x"), options));
    }

    /** Every kind of message: the harmless requests, sensitive ones, log lines and replies. */
    public static List<Message> messages() {
        List<Message> messages = new ArrayList<>(harmlessRequests());
        messages.add(Request.of("authenticate", 0, "a passphrase"));
        messages.add(Request.of("set", 4, "local.passphrase", "x"));
        messages.add(Request.of("trust-remove", 0, "ab12", "cd"));
        messages.add(new LogLine(LogLevel.DEBUG, "[2026-11-26T15:08:26.826Z] [debug] [RequestRouter] request get"));
        messages.add(new LogLine(LogLevel.ERROR, ""));
        messages.add(Reply.ok());
        messages.add(Reply.error(Status.UNAUTHENTICATED, "The user is not authenticated with the Multipass service."));
        Map<String, String> record = new LinkedHashMap<>();
        record.put("name", "primary");
        record.put("state", "Running");
        record.put("", "");
        messages.add(Reply.ok(List.of(record, Map.of("version", "1.0.0"))));
        return messages;
    }

    /** Each message as one body seed. */
    public static List<Mutator.Seed> bodies(List<Message> messages) {
        List<Mutator.Seed> seeds = new ArrayList<>();
        for (Message message : messages) {
            byte[] body = MessageCodec.encode(message);
            seeds.add(new Mutator.Seed(body, lengthFields(body, 0)));
        }
        return seeds;
    }

    /** Frame streams: each message alone, and consecutive runs of two and three. */
    public static List<Mutator.Seed> frameStreams(List<Message> messages) {
        List<Mutator.Seed> seeds = new ArrayList<>();
        for (int run = 1; run <= 3; run++) {
            for (int first = 0; first + run <= messages.size(); first++) {
                seeds.add(frames(messages.subList(first, first + run)));
            }
        }
        return seeds;
    }

    /** The messages as consecutive frames. */
    public static Mutator.Seed frames(List<Message> messages) {
        ByteBuffer stream = ByteBuffer.allocate(messages.stream().mapToInt(m -> 4 + MessageCodec.encode(m).length).sum());
        List<Mutator.LengthField> lengths = new ArrayList<>();
        for (Message message : messages) {
            byte[] body = MessageCodec.encode(message);
            lengths.add(new Mutator.LengthField(stream.position(), 4));
            lengths.addAll(lengthFields(body, stream.position() + 4));
            stream.putInt(body.length).put(body);
        }
        return new Mutator.Seed(stream.array(), lengths);
    }

    /** A frame holding {@code body} as it is. */
    public static byte[] frame(byte[] body) {
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }

    /** The length fields of a valid body, at {@code base} + their offset in it. */
    private static List<Mutator.LengthField> lengthFields(byte[] body, int base) {
        List<Mutator.LengthField> lengths = new ArrayList<>();
        ByteBuffer in = ByteBuffer.wrap(body);
        int type = body[1];
        in.position(2);
        while (in.hasRemaining()) {
            int tag = Byte.toUnsignedInt(in.get());
            lengths.add(new Mutator.LengthField(base + in.position(), 4));
            int length = in.getInt();
            int end = in.position() + length;
            boolean pairs = (type == 1 && tag == REQUEST_OPTION) || (type == 3 && tag == REPLY_RECORD);
            while (pairs && in.position() < end) {
                lengths.add(new Mutator.LengthField(base + in.position(), 2));
                in.position(in.position() + 2 + Short.toUnsignedInt(in.getShort(in.position())));
                lengths.add(new Mutator.LengthField(base + in.position(), 4));
                in.position(in.position() + 4 + in.getInt(in.position()));
            }
            in.position(end);
        }
        return lengths;
    }
}
