// SPDX-License-Identifier: Apache-2.0
package multipass.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints daemon records (ordered string maps) as {@code table}, {@code json}, {@code csv} or
 * {@code yaml}, the formats of Multipass's {@code list}, as the records arrive: JSON is one
 * object whose array is written a record at a time, CSV and YAML are line-oriented, and the
 * table fixes its column widths from its first records ({@link TablePrinter}). A column names a
 * record key and its header. Immutable; each {@link RecordPrinter} it makes is for one reply.
 */
public final class RecordFormatter {
    /** One output column: the record key and the table/CSV header. */
    record Column(String key, String header) {
    }

    /** The formats {@code --format} accepts. */
    public static final List<String> FORMATS = List.of("table", "json", "csv", "yaml");

    private final List<Column> columns;
    private final String jsonKey;

    /** @param jsonKey the name of the top-level JSON/YAML list ({@code list} for instances) */
    RecordFormatter(List<Column> columns, String jsonKey) {
        this.columns = List.copyOf(columns);
        this.jsonKey = jsonKey;
    }

    /** A printer of {@code format} (one of {@link #FORMATS}) to {@code out}; {@code empty} is the table's text for none. */
    RecordPrinter printer(String format, PrintStream out, String empty) {
        return switch (format) {
            case "json" -> new Lines(out, "{\n    " + jsonString(jsonKey) + ": [", "{\n    " + jsonString(jsonKey) + ": []\n}\n", "\n    ]\n}\n",
                    this::jsonObject);
            case "csv" -> {
                String header = String.join(",", columns.stream().map(c -> csvField(c.header())).toList()) + "\n";
                yield new Lines(out, header, header, "", (index, record, text) -> csvRow(record, text));
            }
            case "yaml" -> new Lines(out, jsonKey + ":\n", jsonKey + ": []\n", "", (index, record, text) -> yamlItem(record, text));
            default -> new TablePrinter(columns, out, empty);
        };
    }

    /** {@code records} in {@code format} as one string, for a few records in hand. */
    String render(String format, List<Map<String, String>> records, String empty) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, false, StandardCharsets.UTF_8);
        RecordPrinter printer = printer(format, out, empty);
        printer.records(records);
        printer.end();
        out.flush();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private void jsonObject(long index, Map<String, String> record, StringBuilder out) {
        out.append(index == 0 ? "\n" : ",\n").append("        {\n");
        for (int i = 0; i < columns.size(); i++) {
            out.append("            ").append(jsonString(columns.get(i).key())).append(": ").append(jsonString(cell(columns, record, i)))
                    .append(i < columns.size() - 1 ? ",\n" : "\n");
        }
        out.append("        }");
    }

    private void csvRow(Map<String, String> record, StringBuilder out) {
        for (int i = 0; i < columns.size(); i++) {
            out.append(i == 0 ? "" : ",").append(csvField(cell(columns, record, i)));
        }
        out.append('\n');
    }

    private void yamlItem(Map<String, String> record, StringBuilder out) {
        for (int i = 0; i < columns.size(); i++) {
            out.append(i == 0 ? "  - " : "    ").append(columns.get(i).key()).append(": ").append(jsonString(cell(columns, record, i))).append('\n');
        }
    }

    /** The text of column {@code column} of {@code record}: {@code --} when it has no such key. */
    static String cell(List<Column> columns, Map<String, String> record, int column) {
        return record.getOrDefault(columns.get(column).key(), "--");
    }

    /** Writes one record's text, given its index in the reply. */
    @FunctionalInterface
    private interface RecordText {
        void append(long index, Map<String, String> record, StringBuilder out);
    }

    /**
     * A format that is an opening, a text per record and a closing, with its own text for no
     * records; a batch is printed in writes of about {@link #WRITE_CHUNK} characters (a batch is
     * a whole reply message, up to 4 MiB of protobuf, whose text can be many times that).
     */
    private static final class Lines implements RecordPrinter {
        /** The characters gathered before a write. */
        private static final int WRITE_CHUNK = 64 << 10;
        private final PrintStream out;
        private final String opening;
        private final String none;
        private final String closing;
        private final RecordText text;
        private long count;

        Lines(PrintStream out, String opening, String none, String closing, RecordText text) {
            this.out = out;
            this.opening = opening;
            this.none = none;
            this.closing = closing;
            this.text = text;
        }

        @Override
        public void records(List<Map<String, String>> batch) {
            StringBuilder printed = new StringBuilder(count == 0 && !batch.isEmpty() ? opening : "");
            for (Map<String, String> record : batch) {
                text.append(count++, record, printed);
                if (printed.length() >= WRITE_CHUNK) {
                    out.print(printed);
                    printed.setLength(0);
                }
            }
            out.print(printed);
        }

        @Override
        public void end() {
            out.print(count == 0 ? none : closing);
        }
    }

    private static String csvField(String text) {
        return text.contains(",") || text.contains("\"") || text.contains("\n") ? "\"" + text.replace("\"", "\"\"") + "\"" : text;
    }

    /** A JSON string literal (also valid YAML). */
    static String jsonString(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"':
                    out.append("\\\"");
                    break;
                case '\\':
                    out.append("\\\\");
                    break;
                case '\n':
                    out.append("\\n");
                    break;
                case '\t':
                    out.append("\\t");
                    break;
                case '\r':
                    out.append("\\r");
                    break;
                default:
                    out.append(c < 0x20 ? String.format(Locale.ROOT, "\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return out.append('"').toString();
    }
}
