// SPDX-License-Identifier: Apache-2.0
package multipass.api;

import multipass.proto.ProtoException;
import multipass.proto.ProtoReader;
import multipass.proto.ProtoWriter;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * One gRPC method the daemon serves and the CLI calls, and how its Protocol Buffers messages
 * translate to and from the daemon's commands ({@link Request}) and answers ({@link Reply}).
 * Both sides use the same translation, so what the CLI encodes is exactly what the daemon
 * decodes. Immutable but for its codecs, made at first use (a process links only the codecs it
 * uses: {@link RequestCodecs#of}); see {@link RpcMethods} for the table. Thread-safe.
 *
 * <p>Replies follow Multipass's convention: every reply message of a call is of the method's
 * reply type; the ones before the last carry a {@code log_line} (and, for a long list, part of
 * the records), and the last one is the result.
 */
public final class RpcMethod {
    /** Encodes a request to the method's request message; decodes it back. */
    interface RequestCodec {
        byte[] encode(Request request);

        Request decode(String command, byte[] message) throws ProtoException;
    }

    /** Encodes an OK reply's records into reply messages; decodes one reply message's records. */
    interface ReplyCodec {
        /** The reply messages for {@code records}: one, or several for a list too long for one message. */
        Iterator<byte[]> encode(List<Map<String, String>> records);

        List<Map<String, String>> decode(byte[] message) throws ProtoException;
    }

    private final String path;
    private final String command;
    private final int logLineField;
    private volatile RequestCodec requests;
    private volatile ReplyCodec replies;

    RpcMethod(String service, String method, String command, int logLineField) {
        this.path = "/" + service + "/" + method;
        this.command = command;
        this.logLineField = logLineField;
    }

    /** The request codec, made at first use (two threads may both make one: they are equal and stateless). */
    private RequestCodec requests() {
        RequestCodec codec = requests;
        if (codec == null) {
            codec = RequestCodecs.of(command);
            requests = codec;
        }
        return codec;
    }

    /** The reply codec, made at first use as {@link #requests()}. */
    private ReplyCodec replies() {
        ReplyCodec codec = replies;
        if (codec == null) {
            codec = ReplyCodecs.of(command);
            replies = codec;
        }
        return codec;
    }

    /** The gRPC path, {@code /<package>.<service>/<method>}. */
    public String path() {
        return path;
    }

    /** The daemon command ({@link CommandNames}) it runs. */
    public String command() {
        return command;
    }

    /** True for the methods of our own service, which Multipass's daemon does not offer. */
    public boolean ours() {
        return path.startsWith("/" + RpcMethods.OUR_SERVICE + "/");
    }

    /** Client: the request message for {@code request}. */
    public byte[] encodeRequest(Request request) {
        return requests().encode(request);
    }

    /** Daemon: the command a request message asks for. */
    public Request decodeRequest(byte[] message) throws ProtoException {
        return requests().decode(command, message);
    }

    /** False for a method whose reply has no {@code log_line} (Multipass's unary {@code ping}): its lines are not sent. */
    public boolean carriesLogLines() {
        return logLineField > 0;
    }

    /** Daemon: a reply message that carries only one log line (a line ends in a newline, as Multipass's do). */
    public byte[] logLine(String text) {
        return new ProtoWriter().writeString(logLineField, text.endsWith("\n") ? text : text + "\n").toByteArray();
    }

    /** Daemon: the reply messages of an OK reply with {@code records}. */
    public Iterator<byte[]> encodeReply(List<Map<String, String>> records) {
        return replies().encode(records);
    }

    /**
     * Client: one reply message, its log line (null when none) and its records; a message that
     * carries nothing but a log line has no record (see {@link #resultOf} for the last one).
     */
    public Decoded decodeReply(byte[] message) throws ProtoException {
        String line = null;
        boolean more = false;
        ProtoReader reader = new ProtoReader(message);
        for (int field = reader.nextField(); field != -1; field = reader.nextField()) {
            if (field == logLineField && logLineField > 0) {
                line = reader.readString();
            } else {
                more = true;
                reader.skip();
            }
        }
        return new Decoded(line == null || line.isEmpty() ? null : line, more ? replies().decode(message) : List.of());
    }

    /**
     * Client: the records of the call's last message, whatever it holds (an empty message is a
     * value of {@code ""}); none for a call that sent no message.
     */
    public List<Map<String, String>> resultOf(byte[] last) throws ProtoException {
        return last == null ? List.of() : replies().decode(last);
    }

    /** What one reply message holds for the CLI. */
    public record Decoded(String logLine, List<Map<String, String>> records) {
    }
}
