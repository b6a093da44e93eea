// SPDX-License-Identifier: Apache-2.0
package multipass.api;

import java.util.List;
import java.util.Map;

/**
 * The daemon's answer to a request: a status, a human-readable message and zero or more records
 * (ordered string maps: an instance, a trusted client, the daemon's version...). On the wire a
 * reply travels as the reply messages of the call's method ({@link RpcMethod}): a long list in
 * several messages, each made only when the one before is sent. The records are copied,
 * except a {@link RecordView}, which is immutable and makes each record when it is read.
 */
public record Reply(Status status, String message, List<Map<String, String>> records) {
    public Reply {
        records = records instanceof RecordView<?> ? records : records.stream().map(Records::ordered).toList();
    }

    /** A successful reply carrying {@code records}. */
    public static Reply ok(List<Map<String, String>> records) {
        return new Reply(Status.OK, "", records);
    }

    /** A successful reply with nothing to report. */
    public static Reply ok() {
        return ok(List.of());
    }

    /** A failed reply. */
    public static Reply error(Status status, String message) {
        return new Reply(status, message, List.of());
    }
}
