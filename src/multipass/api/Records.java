// SPDX-License-Identifier: Apache-2.0
package multipass.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Records: the ordered string maps a reply carries (an instance, a trusted client, the daemon's
 * version), whose key order is the column order the CLI prints. Stateless.
 */
public final class Records {
    private Records() {
    }

    /** An unmodifiable copy of {@code map} that keeps its iteration order (columns stay in place). */
    public static Map<String, String> ordered(Map<String, String> map) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }
}
