// SPDX-License-Identifier: Apache-2.0
package multipass.protocol;

import java.util.Iterator;
import java.util.Map;

/**
 * Cuts a reply into frame bodies of at most {@code maxBody} bytes: as many {@link RecordBatch}
 * bodies as its records need, then the final reply body (status, message and the records left).
 * A reply that fits in one frame is one body, byte for byte {@link MessageCodec#encode}'s. Bodies
 * are made one at a time as the records are read, so however many records a reply has, this
 * holds at most one frame's bytes and one record. Not thread-safe; use once.
 */
public final class ReplyFrames {
    private final Iterator<Map<String, String>> records;
    private final byte[] head;
    private final int maxBody;
    /** A record batch being filled: its version and type bytes, then record fields. */
    private final BodyWriter pending = new BodyWriter();
    private byte[] carried;
    private boolean done;

    /** Frames for {@code reply}, each body at most {@code maxBody} bytes. */
    public ReplyFrames(Reply reply, int maxBody) {
        this.records = reply.records().iterator();
        this.head = MessageCodec.replyHead(reply.status(), reply.message());
        this.maxBody = maxBody;
        startBatch();
    }

    /**
     * The next body to send: a record batch, or last the final reply; null once that was
     * returned. A record (or the status and message) too big for a frame of its own is a
     * {@link ProtocolException}; whatever reading the records throws passes through.
     */
    public byte[] next() throws ProtocolException {
        if (done) {
            return null;
        }
        while (carried != null || records.hasNext()) {
            byte[] field = carried != null ? carried : MessageCodec.recordField(records.next());
            carried = null;
            if (2 + field.length > maxBody) {
                throw new ProtocolException("a record of " + field.length + " bytes does not fit in a frame of " + maxBody + " bytes");
            }
            if (pending.size() + field.length > maxBody) {
                carried = field;
                return batch();
            }
            pending.raw(field);
        }
        if (head.length + pending.size() - 2 > maxBody) {
            if (pending.size() == 2) {
                throw new ProtocolException("a reply message of " + head.length + " bytes does not fit in a frame of " + maxBody + " bytes");
            }
            return batch();
        }
        done = true;
        BodyWriter last = new BodyWriter();
        last.raw(head);
        last.raw(pending.bytes(), 2);
        return last.bytes();
    }

    /** The records gathered so far as one record batch body; a new batch starts. */
    private byte[] batch() {
        byte[] body = pending.bytes();
        pending.reset();
        startBatch();
        return body;
    }

    private void startBatch() {
        pending.u8(MessageCodec.VERSION);
        pending.u8(MessageCodec.TYPE_RECORDS);
    }
}
