// SPDX-License-Identifier: Apache-2.0
package multipass.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The record formats printed as records arrive: the text of each format is what the formatter
 * printed before replies were streamed (pinned here byte for byte), whatever batches the
 * records come in, except the table, whose widths are fixed by its first records once a reply
 * holds more than {@link TablePrinter#SAMPLE}.
 */
class RecordFormatterTest {
    private static final RecordFormatter FORMATTER = new RecordFormatter(List.of(new RecordFormatter.Column("name", "Name"),
            new RecordFormatter.Column("state", "State"), new RecordFormatter.Column("ipv4", "IPv4")), "list");
    private static final List<Map<String, String>> RECORDS = List.of(
            record("name", "web", "state", "Running", "ipv4", "--"),
            record("name", "a,\"b\"\nc\t\u0001\\", "state", "Stopped"),
            record("name", "longer-name-here", "state", "", "ipv4", "10.0.0.1"));

    @Test
    void theTextOfEachFormatIsUnchanged() {
        assertEquals("Name              State    IPv4\nweb               Running  --\na,\"b\"\nc\t\u0001\\        Stopped  --\n"
                + "longer-name-here           10.0.0.1\n", print("table", List.of(RECORDS)));
        assertEquals("{\n    \"list\": [\n        {\n            \"name\": \"web\",\n            \"state\": \"Running\",\n            \"ipv4\": \"--\"\n"
                + "        },\n        {\n            \"name\": \"a,\\\"b\\\"\\nc\\t\\u0001\\\\\",\n            \"state\": \"Stopped\",\n"
                + "            \"ipv4\": \"--\"\n        },\n        {\n            \"name\": \"longer-name-here\",\n            \"state\": \"\",\n"
                + "            \"ipv4\": \"10.0.0.1\"\n        }\n    ]\n}\n", print("json", List.of(RECORDS)));
        assertEquals("Name,State,IPv4\nweb,Running,--\n\"a,\"\"b\"\"\nc\t\u0001\\\",Stopped,--\nlonger-name-here,,10.0.0.1\n", print("csv", List.of(RECORDS)));
        assertEquals("list:\n  - name: \"web\"\n    state: \"Running\"\n    ipv4: \"--\"\n  - name: \"a,\\\"b\\\"\\nc\\t\\u0001\\\\\"\n"
                + "    state: \"Stopped\"\n    ipv4: \"--\"\n  - name: \"longer-name-here\"\n    state: \"\"\n    ipv4: \"10.0.0.1\"\n",
                print("yaml", List.of(RECORDS)));
    }

    @Test
    void noRecordsHaveTheirOwnText() {
        assertEquals("Nothing.\n", print("table", List.of()));
        assertEquals("{\n    \"list\": []\n}\n", print("json", List.of()));
        assertEquals("Name,State,IPv4\n", print("csv", List.of()));
        assertEquals("list: []\n", print("yaml", List.of()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"table", "json", "csv", "yaml"})
    void theBatchesDoNotChangeTheText(String format) {
        List<Map<String, String>> many = numbered(700);
        String whole = print(format, List.of(many));
        Random random = new Random(format.hashCode());
        for (int round = 0; round < 5; round++) {
            assertEquals(whole, print(format, split(many, random)));
        }
        assertEquals(whole, print(format, many.stream().map(List::of).toList()), "one record per batch");
    }

    @Test
    void aLongTableTakesItsWidthsFromItsFirstRecords() {
        List<Map<String, String>> first = numbered(TablePrinter.SAMPLE);
        List<Map<String, String>> later = List.of(record("name", "a-much-longer-name-than-before", "state", "Running", "ipv4", "--"),
                record("name", "short", "state", "Stopped", "ipv4", "--"));
        String text = print("table", List.of(first, later));
        List<String> lines = text.lines().toList();
        assertEquals(TablePrinter.SAMPLE + 3, lines.size());
        assertEquals("Name    State    IPv4", lines.get(0));
        assertEquals("a-much-longer-name-than-before  Running  --", lines.get(TablePrinter.SAMPLE + 1), "a wider cell pushes its own line only");
        assertEquals("short   Stopped  --", lines.get(TablePrinter.SAMPLE + 2));
        assertEquals(print("table", List.of(first)).lines().toList(), lines.subList(0, TablePrinter.SAMPLE + 1));
    }

    @Test
    void aTableInOneBatchIsMeasuredWhole() {
        List<Map<String, String>> records = new ArrayList<>(numbered(TablePrinter.SAMPLE * 2));
        records.add(record("name", "the-last-and-longest-name", "state", "Running"));
        String text = print("table", List.of(records));
        assertTrue(text.startsWith("Name                       State    IPv4\n"), text.substring(0, 60));
    }

    private static String print(String format, List<List<Map<String, String>>> batches) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        RecordPrinter printer = FORMATTER.printer(format, out, "Nothing.");
        batches.forEach(printer::records);
        printer.end();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static List<List<Map<String, String>>> split(List<Map<String, String>> records, Random random) {
        List<List<Map<String, String>>> batches = new ArrayList<>();
        for (int at = 0; at < records.size(); ) {
            int size = Math.min(records.size() - at, 1 + random.nextInt(200));
            batches.add(records.subList(at, at + size));
            at += size;
        }
        return batches;
    }

    private static List<Map<String, String>> numbered(int count) {
        List<Map<String, String>> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(record("name", "vm-" + i, "state", i % 3 == 0 ? "Stopped" : "Running", "ipv4", "--"));
        }
        return records;
    }

    private static Map<String, String> record(String... keysAndValues) {
        Map<String, String> record = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            record.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return record;
    }
}
