// SPDX-License-Identifier: Apache-2.0
package multipass.protocol;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static multipass.protocol.MessageCodec.LOG_LEVEL;
import static multipass.protocol.MessageCodec.LOG_TEXT;
import static multipass.protocol.MessageCodec.REPLY_MESSAGE;
import static multipass.protocol.MessageCodec.REPLY_RECORD;
import static multipass.protocol.MessageCodec.REPLY_STATUS;
import static multipass.protocol.MessageCodec.REQUEST_ARG;
import static multipass.protocol.MessageCodec.REQUEST_COMMAND;
import static multipass.protocol.MessageCodec.REQUEST_OPTION;
import static multipass.protocol.MessageCodec.REQUEST_VERBOSITY;
import static multipass.protocol.MessageCodec.TYPE_LOG;
import static multipass.protocol.MessageCodec.TYPE_REPLY;
import static multipass.protocol.MessageCodec.TYPE_REQUEST;
import static multipass.protocol.MessageCodec.VERSION;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link MessageCodec}: every message type survives a round trip (order of records and
 * options, Unicode), and decoding rejects each way a body can be malformed with a
 * {@link ProtocolException} that says what is wrong. Bodies are forged with {@link Body}.
 */
class MessageCodecTest {
    private static final String UNICODE = "ünïcødé ✓ 🚀 日本語";

    // ---- round trips ----

    @Test
    void requestRoundTripKeepsArgumentsAndOptionOrder() throws ProtocolException {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("zeta", "1");
        options.put("alpha", UNICODE);
        options.put("mid", "");
        Request request = new Request("launch", 4, List.of("first", "", UNICODE, "a=b"), options);

        Request decoded = (Request) roundTrip(request);

        assertEquals(request, decoded);
        assertEquals(List.of("first", "", UNICODE, "a=b"), decoded.args());
        assertEquals(List.of("zeta", "alpha", "mid"), new ArrayList<>(decoded.options().keySet()));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4})
    void requestRoundTripAtEveryVerbosity(int verbosity) throws ProtocolException {
        Request request = Request.of("list", verbosity);
        assertEquals(request, roundTrip(request));
    }

    @ParameterizedTest
    @EnumSource(LogLevel.class)
    void logLineRoundTrip(LogLevel level) throws ProtocolException {
        LogLine line = new LogLine(level, "[2026-11-26T15:00:00Z] [" + level.label() + "] " + UNICODE);
        assertEquals(line, roundTrip(line));
    }

    @ParameterizedTest
    @EnumSource(Status.class)
    void replyRoundTripForEveryStatus(Status status) throws ProtocolException {
        Reply reply = Reply.error(status, "message for " + status);
        assertEquals(reply, roundTrip(reply));
    }

    @Test
    void replyRoundTripKeepsRecordsAndColumnOrder() throws ProtocolException {
        Map<String, String> first = new LinkedHashMap<>();
        first.put("name", "primary");
        first.put("state", "Running");
        first.put("ipv4", "10.0.0.2");
        Map<String, String> second = new LinkedHashMap<>();
        second.put("state", "Stopped");
        second.put("name", UNICODE);
        second.put("", "empty key");
        Reply reply = new Reply(Status.OK, UNICODE, List.of(first, second, Map.of()));

        Reply decoded = (Reply) roundTrip(reply);

        assertEquals(reply, decoded);
        assertEquals(3, decoded.records().size());
        assertEquals(List.of("name", "state", "ipv4"), new ArrayList<>(decoded.records().get(0).keySet()));
        assertEquals(List.of("state", "name", ""), new ArrayList<>(decoded.records().get(1).keySet()));
        assertTrue(decoded.records().get(2).isEmpty());
    }

    @Test
    void encodingStartsWithVersionAndType() {
        assertArrayEquals(new byte[] {VERSION, TYPE_REQUEST}, Arrays.copyOf(MessageCodec.encode(Request.of("list", 0)), 2));
        assertArrayEquals(new byte[] {VERSION, TYPE_LOG}, Arrays.copyOf(MessageCodec.encode(new LogLine(LogLevel.INFO, "x")), 2));
        assertArrayEquals(new byte[] {VERSION, TYPE_REPLY}, Arrays.copyOf(MessageCodec.encode(Reply.ok()), 2));
    }

    @Test
    void aHandMadeBodyDecodes() throws ProtocolException {
        byte[] body = new Body(VERSION, TYPE_REQUEST).string(REQUEST_COMMAND, "get").u8Field(REQUEST_VERBOSITY, 2)
                .string(REQUEST_ARG, "local.passphrase").pairs(REQUEST_OPTION, "keys", "true").bytes();
        assertEquals(new Request("get", 2, List.of("local.passphrase"), Map.of("keys", "true")), MessageCodec.decode(body));
    }

    @Test
    void aKeyLongerThan65535BytesCannotBeEncoded() {
        Reply reply = Reply.ok(List.of(Map.of("k".repeat(65536), "v")));
        assertThrows(IllegalArgumentException.class, () -> MessageCodec.encode(reply));
    }

    // ---- Request values ----

    @Test
    void requestToStringNeverShowsArgumentOrOptionValues() {
        Request request = new Request("authenticate", 1, List.of("correct horse battery staple"), Map.of("passphrase", "s3cr3t-option"));
        String text = request.toString();
        assertFalse(text.contains("correct horse"), text);
        assertFalse(text.contains("s3cr3t"), text);
        assertTrue(text.contains("authenticate") && text.contains("1 argument(s)"), text);
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 5})
    void requestRejectsVerbosityOutOfRange(int verbosity) {
        assertThrows(IllegalArgumentException.class, () -> Request.of("list", verbosity));
    }

    @Test
    void requestIsImmutable() {
        List<String> args = new ArrayList<>(List.of("a"));
        Request request = new Request("x", 0, args, new LinkedHashMap<>());
        args.add("b");
        assertEquals(List.of("a"), request.args());
        assertThrows(UnsupportedOperationException.class, () -> request.options().put("k", "v"));
    }

    // ---- strict decoding ----

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3, 255})
    void anotherVersionIsAVersionMismatch(int version) {
        byte[] body = new Body(version, TYPE_REQUEST).string(REQUEST_COMMAND, "list").u8Field(REQUEST_VERBOSITY, 0).bytes();
        VersionMismatchException e = assertThrows(VersionMismatchException.class, () -> MessageCodec.decode(body));
        assertEquals(version, e.peerVersion());
        assertTrue(e.getMessage().contains("version " + version) && e.getMessage().contains("version " + VERSION), e.getMessage());
    }

    @Test
    void theVersionIsCheckedBeforeAnythingElse() {
        // A future version may change everything after the version byte.
        byte[] body = {3, 99, (byte) 0xFF, (byte) 0xFF};
        assertEquals(3, assertThrows(VersionMismatchException.class, () -> MessageCodec.decode(body)).peerVersion());
    }

    @Test
    void tooShortBodies() {
        assertRejected(new byte[0], "too short");
        assertRejected(new byte[] {VERSION}, "too short");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 5, 255})
    void unknownType(int type) {
        assertRejected(new Body(VERSION, type).string(LOG_TEXT, "x").bytes(), "unknown message type " + type);
    }

    @Test
    void unknownTag() {
        assertRejected(validRequest().string(9, "surprise").bytes(), "unknown field tag 9");
    }

    @Test
    void aTagOfAnotherMessageTypeIsUnknown() {
        byte[] body = new Body(VERSION, TYPE_LOG).u8Field(LOG_LEVEL, 2).string(LOG_TEXT, "x").pairs(REPLY_RECORD, "k", "v").bytes();
        assertRejected(body, "unknown field tag " + REPLY_RECORD);
    }

    @Test
    void duplicateSingleField() {
        assertRejected(validRequest().u8Field(REQUEST_VERBOSITY, 1).bytes(), "verbosity field given 2 times");
        assertRejected(validReply().string(REPLY_MESSAGE, "again").bytes(), "message field given 2 times");
    }

    @Test
    void missingRequiredFields() {
        assertRejected(new Body(VERSION, TYPE_REQUEST).u8Field(REQUEST_VERBOSITY, 0).bytes(), "missing command field");
        assertRejected(new Body(VERSION, TYPE_REQUEST).string(REQUEST_COMMAND, "list").bytes(), "missing verbosity field");
        assertRejected(new Body(VERSION, TYPE_LOG).string(LOG_TEXT, "x").bytes(), "missing log level field");
        assertRejected(new Body(VERSION, TYPE_LOG).u8Field(LOG_LEVEL, 0).bytes(), "missing log text field");
        assertRejected(new Body(VERSION, TYPE_REPLY).string(REPLY_MESSAGE, "").bytes(), "missing status field");
        assertRejected(new Body(VERSION, TYPE_REPLY).u8Field(REPLY_STATUS, 0).bytes(), "missing message field");
    }

    @Test
    void fieldLengthPastTheEnd() {
        byte[] body = validRequest().raw(REQUEST_ARG).u32(100).raw('a', 'b', 'c').bytes();
        assertRejected(body, "runs past the end");
    }

    @Test
    void fieldLengthOfFourGibibytes() {
        assertRejected(validRequest().raw(REQUEST_ARG).u32(-1).bytes(), "runs past the end");
    }

    @Test
    void fieldHeaderCutShort() {
        assertRejected(validRequest().raw(REQUEST_ARG, 0, 0).bytes(), "truncated");
    }

    @Test
    void invalidUtf8() {
        byte[] overlong = {(byte) 0xC0, (byte) 0xAF};
        byte[] loneContinuation = {'a', (byte) 0x80};
        byte[] surrogate = {(byte) 0xED, (byte) 0xA0, (byte) 0x80};
        for (byte[] bad : List.of(overlong, loneContinuation, surrogate)) {
            assertRejected(validRequest().field(REQUEST_ARG, bad).bytes(), "not valid UTF-8");
        }
        assertRejected(new Body(VERSION, TYPE_REQUEST).field(REQUEST_COMMAND, overlong).u8Field(REQUEST_VERBOSITY, 0).bytes(), "not valid UTF-8");
    }

    @ParameterizedTest
    @ValueSource(ints = {17, 127, 128, 255})
    void badStatusCode(int code) {
        assertRejected(new Body(VERSION, TYPE_REPLY).u8Field(REPLY_STATUS, code).string(REPLY_MESSAGE, "").bytes(), "unknown status code " + code);
    }

    @Test
    void statusFieldOfTheWrongWidth() {
        assertRejected(new Body(VERSION, TYPE_REPLY).field(REPLY_STATUS, new byte[] {0, 0}).string(REPLY_MESSAGE, "").bytes(), "must be 1 byte");
        assertRejected(new Body(VERSION, TYPE_REPLY).field(REPLY_STATUS, new byte[0]).string(REPLY_MESSAGE, "").bytes(), "must be 1 byte");
    }

    @ParameterizedTest
    @ValueSource(ints = {5, 127, 128, 255})
    void badVerbosityAndLogLevel(int level) {
        assertRejected(new Body(VERSION, TYPE_REQUEST).string(REQUEST_COMMAND, "list").u8Field(REQUEST_VERBOSITY, level).bytes(), "0 to 4");
        assertRejected(new Body(VERSION, TYPE_LOG).u8Field(LOG_LEVEL, level).string(LOG_TEXT, "x").bytes(), "0 to 4");
    }

    @Test
    void verbosityOfTheWrongWidth() {
        assertRejected(new Body(VERSION, TYPE_REQUEST).string(REQUEST_COMMAND, "list").field(REQUEST_VERBOSITY, new byte[] {0, 1}).bytes(), "0 to 4");
    }

    @Test
    void trailingJunkInsidePairs() {
        byte[] pair = Body.pair("key", "value");
        byte[] junk = Arrays.copyOf(pair, pair.length + 1);
        assertRejected(validRequest().field(REQUEST_OPTION, junk).bytes(), "truncated key length");
        assertRejected(validReply().field(REPLY_RECORD, junk).bytes(), "truncated key length");
        byte[] twoJunk = Arrays.copyOf(pair, pair.length + 3);
        assertRejected(validReply().field(REPLY_RECORD, twoJunk).bytes(), "truncated value length");
    }

    @Test
    void pairLengthsPastTheEnd() {
        byte[] keyTooLong = {0, 10, 'k'};
        byte[] valueTooLong = {0, 1, 'k', 0, 0, 0, 9, 'v'};
        assertRejected(validReply().field(REPLY_RECORD, keyTooLong).bytes(), "key length 10 runs past the end");
        assertRejected(validReply().field(REPLY_RECORD, valueTooLong).bytes(), "value length 9 runs past the end");
    }

    @Test
    void optionsMustHoldExactlyOnePair() {
        assertRejected(validRequest().field(REQUEST_OPTION, new byte[0]).bytes(), "exactly one key");
        byte[] two = concat(Body.pair("a", "1"), Body.pair("b", "2"));
        assertRejected(validRequest().field(REQUEST_OPTION, two).bytes(), "exactly one key");
    }

    @Test
    void duplicateOptionKeys() {
        assertRejected(validRequest().pairs(REQUEST_OPTION, "name", "a").pairs(REQUEST_OPTION, "name", "b").bytes(), "option 'name' given twice");
    }

    @Test
    void duplicateKeysInOneRecord() {
        byte[] twice = concat(Body.pair("name", "a"), Body.pair("name", "b"));
        assertRejected(validReply().field(REPLY_RECORD, twice).bytes(), "key 'name' given twice");
    }

    @Test
    void aRequestMayCarryUpToTheFieldCap() throws ProtocolException {
        Body body = validRequest();
        for (int i = 2; i < MessageCodec.MAX_REQUEST_FIELDS; i++) {
            body.string(REQUEST_ARG, "");
        }
        Request request = (Request) MessageCodec.decode(body.bytes());
        assertEquals(MessageCodec.MAX_REQUEST_FIELDS - 2, request.args().size());
    }

    @Test
    void aRequestWithMoreFieldsThanTheCapIsRejected() {
        Body body = validRequest();
        for (int i = 2; i <= MessageCodec.MAX_REQUEST_FIELDS; i++) {
            body.string(REQUEST_ARG, "");
        }
        assertRejected(body.bytes(), "more than " + MessageCodec.MAX_REQUEST_FIELDS + " fields in one message");
    }

    @Test
    void aReplyIsNotBoundByTheRequestFieldCap() throws ProtocolException {
        Body body = validReply();
        for (int i = 0; i < 2 * MessageCodec.MAX_REQUEST_FIELDS; i++) {
            body.field(REPLY_RECORD, Body.pair("name", "i" + i));
        }
        assertEquals(2 * MessageCodec.MAX_REQUEST_FIELDS, ((Reply) MessageCodec.decode(body.bytes())).records().size());
    }

    private static Body validRequest() {
        return new Body(VERSION, TYPE_REQUEST).string(REQUEST_COMMAND, "list").u8Field(REQUEST_VERBOSITY, 0);
    }

    private static Body validReply() {
        return new Body(VERSION, TYPE_REPLY).u8Field(REPLY_STATUS, 0).string(REPLY_MESSAGE, "");
    }

    private static Message roundTrip(Message message) throws ProtocolException {
        return MessageCodec.decode(MessageCodec.encode(message));
    }

    private static void assertRejected(byte[] body, String expected) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> MessageCodec.decode(body));
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    /** Builds a body byte by byte, well-formed or not. */
    private static final class Body {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Body(int version, int type) {
            out.write(version);
            out.write(type);
        }

        Body raw(int... values) {
            for (int v : values) {
                out.write(v);
            }
            return this;
        }

        Body u32(int v) {
            return raw(v >>> 24, v >>> 16, v >>> 8, v);
        }

        Body field(int tag, byte[] value) {
            raw(tag);
            u32(value.length);
            out.writeBytes(value);
            return this;
        }

        Body string(int tag, String value) {
            return field(tag, value.getBytes(StandardCharsets.UTF_8));
        }

        Body u8Field(int tag, int value) {
            return field(tag, new byte[] {(byte) value});
        }

        Body pairs(int tag, String key, String value) {
            return field(tag, pair(key, value));
        }

        static byte[] pair(String key, String value) {
            byte[] k = key.getBytes(StandardCharsets.UTF_8);
            byte[] v = value.getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream pair = new ByteArrayOutputStream();
            pair.write(k.length >>> 8);
            pair.write(k.length);
            pair.writeBytes(k);
            pair.write(v.length >>> 24);
            pair.write(v.length >>> 16);
            pair.write(v.length >>> 8);
            pair.write(v.length);
            pair.writeBytes(v);
            return pair.toByteArray();
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    @Test
    void theHeaderAloneTellsAReplyFromTheFramesBeforeIt() throws ProtocolException {
        assertTrue(MessageCodec.isReply(MessageCodec.encode(Reply.ok())));
        assertFalse(MessageCodec.isReply(MessageCodec.encode(new LogLine(LogLevel.INFO, "working"))));
        assertFalse(MessageCodec.isReply(MessageCodec.encode(new RecordBatch(List.of(Map.of("name", "a"))))));
        assertThrows(VersionMismatchException.class, () -> MessageCodec.isReply(new byte[] {1, 3}));
        assertThrows(ProtocolException.class, () -> MessageCodec.isReply(new byte[] {(byte) MessageCodec.VERSION, 9}));
        assertThrows(ProtocolException.class, () -> MessageCodec.isReply(new byte[] {(byte) MessageCodec.VERSION}));
    }
}
