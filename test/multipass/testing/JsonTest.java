// SPDX-License-Identifier: Apache-2.0
package multipass.testing;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link Json}, the test tree's JSON reader: what it accepts and, since tests lean on it, what it refuses. */
class JsonTest {
    @Test
    void readsEveryKindOfValue() {
        assertEquals(Map.of("a", List.of("x\"\\/\b\f\n\r\t\u00e9", new BigDecimal("-1.5e3"), true, false), "b", Map.of()),
                Json.parse(" {\"a\": [\"x\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\", -1.5e3, true, false], \"b\": {}}\n"));
        assertEquals(Arrays.asList(null, List.of(), 0 == 0), Json.parse("[null,[],true]"));
    }

    @Test
    void readsFormatterRecordsOfOneShapeOnly() {
        assertEquals(List.of(Map.of("name", "web", "state", "Running"), Map.of()),
                Json.records("{\"list\": [{\"name\": \"web\", \"state\": \"Running\"}, {}]}", "list"));
        assertEquals(List.of(), Json.records("{\"info\": []}", "info"));
        for (String text : new String[] {"[]", "{}", "{\"info\": []}", "{\"list\": [], \"x\": 1}", "{\"list\": {}}", "{\"list\": [1]}",
                "{\"list\": [{\"cpus\": 1}]}"}) {
            assertThrows(IllegalArgumentException.class, () -> Json.records(text, "list"), text);
        }
    }

    @Test
    void refusesWhatIsNotStrictJson() {
        for (String text : new String[] {"", "{", "[1,]", "{\"a\":1,}", "{\"a\":1,\"a\":2}", "{a:1}", "'x'", "\"\\x\"", "\"\t\"",
                "01", "1.", "+1", "[1] x", "tru", "{\"a\" 1}", "\"\\u12\""}) {
            assertThrows(IllegalArgumentException.class, () -> Json.parse(text), text);
        }
    }
}
