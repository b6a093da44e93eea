// SPDX-License-Identifier: Apache-2.0
package multipass.protocol;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Everything that travels inside one frame: a request, a streamed log line, a batch of a reply's records, or a reply. */
public sealed interface Message permits Request, LogLine, RecordBatch, Reply {
    /** An unmodifiable copy of {@code map} that keeps its iteration order (columns stay in place). */
    static Map<String, String> ordered(Map<String, String> map) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }
}
