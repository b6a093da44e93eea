// SPDX-License-Identifier: Apache-2.0
package multipass.protocol;

import java.util.List;
import java.util.Map;

/**
 * Records of a reply too big for one frame (message type 4): the daemon sends the records in
 * batches, each in its own frame of at most 1 MiB, and then the final {@link Reply} with the
 * status, the message and the last records. A batch holds at least one record. Immutable.
 */
public record RecordBatch(List<Map<String, String>> records) implements Message {
    public RecordBatch {
        if (records.isEmpty()) {
            throw new IllegalArgumentException("a record batch holds at least one record");
        }
        records = records.stream().map(Message::ordered).toList();
    }
}
