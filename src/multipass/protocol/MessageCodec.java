// SPDX-License-Identifier: Apache-2.0
package multipass.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Encodes and strictly decodes message bodies (the bytes inside one frame), as specified in
 * {@code docs/protocol.md}:
 *
 * <pre>
 * body   = version:u8 type:u8 field*
 * field  = tag:u8 length:u32 value[length]
 * pair   = keyLength:u16 key valueLength:u32 value        (strings are UTF-8)
 * </pre>
 *
 * Decoding rejects an unknown version, type or tag, a repeated single field, a missing
 * required field, a length past the end, invalid UTF-8 and trailing bytes. Stateless and
 * thread-safe.
 */
public final class MessageCodec {
    /**
     * The protocol version this build speaks. Version 2 added record batches (type 4): a reply
     * too big for one frame is streamed in several.
     */
    public static final int VERSION = 2;

    static final int TYPE_REQUEST = 1;
    static final int TYPE_LOG = 2;
    static final int TYPE_REPLY = 3;
    static final int TYPE_RECORDS = 4;

    static final int REQUEST_COMMAND = 1;
    static final int REQUEST_VERBOSITY = 2;
    static final int REQUEST_ARG = 3;
    static final int REQUEST_OPTION = 4;
    static final int LOG_LEVEL = 1;
    static final int LOG_TEXT = 2;
    static final int REPLY_STATUS = 1;
    static final int REPLY_MESSAGE = 2;
    static final int REPLY_RECORD = 3;

    /**
     * The most fields a request may carry (its arguments and options are fields). Far above any
     * real command line, and it bounds what a 1 MiB frame of empty fields would otherwise cost
     * the daemon to decode: about 200,000 objects.
     */
    public static final int MAX_REQUEST_FIELDS = 4096;

    private MessageCodec() {
    }

    /** The body bytes of {@code message}, in one piece (see {@link ReplyFrames} for a reply of any size). */
    public static byte[] encode(Message message) {
        BodyWriter out = new BodyWriter();
        if (message instanceof Request request) {
            out.u8(VERSION);
            out.u8(TYPE_REQUEST);
            out.field(REQUEST_COMMAND, utf8(request.command()));
            out.field(REQUEST_VERBOSITY, new byte[] {(byte) request.verbosity()});
            for (String arg : request.args()) { // loops, not lambdas: every CLI command encodes one request
                out.field(REQUEST_ARG, utf8(arg));
            }
            for (Map.Entry<String, String> option : request.options().entrySet()) {
                out.field(REQUEST_OPTION, pairs(Map.of(option.getKey(), option.getValue())));
            }
        } else if (message instanceof LogLine line) {
            out.u8(VERSION);
            out.u8(TYPE_LOG);
            out.field(LOG_LEVEL, new byte[] {(byte) line.level().number()});
            out.field(LOG_TEXT, utf8(line.text()));
        } else if (message instanceof RecordBatch batch) {
            out.u8(VERSION);
            out.u8(TYPE_RECORDS);
            batch.records().forEach(record -> out.raw(recordField(record)));
        } else if (message instanceof Reply reply) {
            out.raw(replyHead(reply.status(), reply.message()));
            reply.records().forEach(record -> out.raw(recordField(record)));
        }
        return out.bytes();
    }

    /** The start of a reply body up to its records: version, type, status and message. */
    static byte[] replyHead(Status status, String message) {
        BodyWriter out = new BodyWriter();
        out.u8(VERSION);
        out.u8(TYPE_REPLY);
        out.field(REPLY_STATUS, new byte[] {(byte) status.code()});
        out.field(REPLY_MESSAGE, utf8(message));
        return out.bytes();
    }

    /** One record as a reply or record batch carries it: a whole field (tag, length, pairs). */
    static byte[] recordField(Map<String, String> record) {
        BodyWriter out = new BodyWriter();
        out.field(REPLY_RECORD, pairs(record));
        return out.bytes();
    }

    /**
     * Whether {@code body} is a reply, from its header alone: for a relay that passes frames on
     * without decoding them. Throws for a body too short, of another version or of no known type.
     */
    public static boolean isReply(byte[] body) throws ProtocolException {
        if (body.length < 2) {
            throw new ProtocolException("message too short: " + body.length + " byte(s)");
        }
        if (Byte.toUnsignedInt(body[0]) != VERSION) {
            throw new VersionMismatchException(Byte.toUnsignedInt(body[0]));
        }
        int type = Byte.toUnsignedInt(body[1]);
        if (type < TYPE_REQUEST || type > TYPE_RECORDS) {
            throw new ProtocolException("unknown message type " + type);
        }
        return type == TYPE_REPLY;
    }

    /** Decodes one body, or throws a {@link ProtocolException} that says what is wrong. */
    public static Message decode(byte[] body) throws ProtocolException {
        ByteBuffer in = ByteBuffer.wrap(body);
        if (in.remaining() < 2) {
            throw new ProtocolException("message too short: " + body.length + " byte(s)");
        }
        int version = Byte.toUnsignedInt(in.get());
        if (version != VERSION) {
            throw new VersionMismatchException(version);
        }
        int type = Byte.toUnsignedInt(in.get());
        MessageFields fields = new MessageFields(in, type == TYPE_REQUEST ? MAX_REQUEST_FIELDS : Integer.MAX_VALUE);
        switch (type) {
            case TYPE_REQUEST:
                return decodeRequest(fields);
            case TYPE_LOG:
                return decodeLog(fields);
            case TYPE_REPLY:
                return decodeReply(fields);
            case TYPE_RECORDS:
                return decodeRecords(fields);
            default:
                throw new ProtocolException("unknown message type " + type);
        }
    }

    private static Request decodeRequest(MessageFields fields) throws ProtocolException {
        String command = string(fields.required(REQUEST_COMMAND, "command"));
        int verbosity = level(fields.required(REQUEST_VERBOSITY, "verbosity")).number();
        List<String> args = new ArrayList<>();
        for (byte[] arg : fields.repeated(REQUEST_ARG)) {
            args.add(string(arg));
        }
        Map<String, String> options = new LinkedHashMap<>();
        for (byte[] option : fields.repeated(REQUEST_OPTION)) {
            Map<String, String> pair = pairs(option);
            if (pair.size() != 1) {
                throw new ProtocolException("an option field must hold exactly one key and value");
            }
            Map.Entry<String, String> entry = pair.entrySet().iterator().next();
            if (options.put(entry.getKey(), entry.getValue()) != null) {
                throw new ProtocolException("option '" + entry.getKey() + "' given twice");
            }
        }
        fields.finish();
        return new Request(command, verbosity, args, options);
    }

    private static LogLine decodeLog(MessageFields fields) throws ProtocolException {
        LogLine line = new LogLine(level(fields.required(LOG_LEVEL, "log level")), string(fields.required(LOG_TEXT, "log text")));
        fields.finish();
        return line;
    }

    private static Reply decodeReply(MessageFields fields) throws ProtocolException {
        byte[] status = fields.required(REPLY_STATUS, "status");
        if (status.length != 1) {
            throw new ProtocolException("status field must be 1 byte, not " + status.length);
        }
        String message = string(fields.required(REPLY_MESSAGE, "message"));
        List<Map<String, String>> records = records(fields);
        fields.finish();
        return new Reply(Status.ofCode(Byte.toUnsignedInt(status[0])), message, records);
    }

    private static RecordBatch decodeRecords(MessageFields fields) throws ProtocolException {
        List<Map<String, String>> records = records(fields);
        fields.finish();
        if (records.isEmpty()) {
            throw new ProtocolException("a record batch must hold at least one record");
        }
        return new RecordBatch(records);
    }

    private static List<Map<String, String>> records(MessageFields fields) throws ProtocolException {
        List<Map<String, String>> records = new ArrayList<>();
        for (byte[] record : fields.repeated(REPLY_RECORD)) {
            records.add(pairs(record));
        }
        return records;
    }

    private static LogLevel level(byte[] value) throws ProtocolException {
        if (value.length != 1 || value[0] < 0 || value[0] > LogLevel.TRACE.number()) {
            throw new ProtocolException("a level must be one byte from 0 to 4");
        }
        return LogLevel.ofNumber(value[0]);
    }

    private static byte[] pairs(Map<String, String> map) {
        BodyWriter out = new BodyWriter();
        map.forEach((key, value) -> {
            byte[] k = utf8(key);
            if (k.length > 0xFFFF) {
                throw new IllegalArgumentException("key longer than 65535 bytes");
            }
            out.u16(k.length);
            out.raw(k);
            byte[] v = utf8(value);
            out.u32(v.length);
            out.raw(v);
        });
        return out.bytes();
    }

    private static Map<String, String> pairs(byte[] bytes) throws ProtocolException {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        Map<String, String> map = new LinkedHashMap<>();
        while (in.hasRemaining()) {
            String key = string(take(in, 2, "key length"));
            String value = string(take(in, 4, "value length"));
            if (map.put(key, value) != null) {
                throw new ProtocolException("key '" + key + "' given twice in one record");
            }
        }
        return map;
    }

    /** Reads a length prefix of {@code width} bytes (2 or 4) and that many bytes. */
    static byte[] take(ByteBuffer in, int width, String what) throws ProtocolException {
        if (in.remaining() < width) {
            throw new ProtocolException("truncated " + what);
        }
        long length = width == 2 ? Short.toUnsignedInt(in.getShort()) : Integer.toUnsignedLong(in.getInt());
        if (length > in.remaining()) {
            throw new ProtocolException(what + " " + length + " runs past the end of the message (" + in.remaining() + " byte(s) left)");
        }
        byte[] value = new byte[(int) length];
        in.get(value);
        return value;
    }

    private static String string(byte[] bytes) throws ProtocolException {
        if (isAscii(bytes)) {
            return new String(bytes, StandardCharsets.US_ASCII); // valid UTF-8 as it is; a reply holds a million such strings
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ProtocolException("a string field is not valid UTF-8");
        }
    }

    private static boolean isAscii(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
