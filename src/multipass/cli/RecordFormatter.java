// SPDX-License-Identifier: Apache-2.0
package multipass.cli;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders daemon records (ordered string maps) as {@code table}, {@code json}, {@code csv} or
 * {@code yaml}, the formats of Multipass's {@code list}. A column names a record key and its
 * header; the table pads columns to their widest cell.
 */
final class RecordFormatter {
    /** One output column: the record key and the table/CSV header. */
    record Column(String key, String header) {
    }

    /** The formats {@code --format} accepts. */
    static final List<String> FORMATS = List.of("table", "json", "csv", "yaml");

    private final List<Column> columns;
    private final String jsonKey;

    /** @param jsonKey the name of the top-level JSON/YAML list ({@code list} for instances) */
    RecordFormatter(List<Column> columns, String jsonKey) {
        this.columns = List.copyOf(columns);
        this.jsonKey = jsonKey;
    }

    /** Renders {@code records} in {@code format} (one of {@link #FORMATS}); {@code empty} is the table's text for none. */
    String render(String format, List<Map<String, String>> records, String empty) {
        switch (format) {
            case "json":
                return json(records);
            case "csv":
                return csv(records);
            case "yaml":
                return yaml(records);
            default:
                return records.isEmpty() ? empty + "\n" : table(records);
        }
    }

    private String table(List<Map<String, String>> records) {
        int[] widths = new int[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            widths[i] = columns.get(i).header().length();
            for (Map<String, String> record : records) {
                widths[i] = Math.max(widths[i], cell(record, i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        appendRow(out, widths, i -> columns.get(i).header());
        for (Map<String, String> record : records) {
            appendRow(out, widths, i -> cell(record, i));
        }
        return out.toString();
    }

    private void appendRow(StringBuilder out, int[] widths, java.util.function.IntFunction<String> cells) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < widths.length; i++) {
            String text = cells.apply(i);
            line.append(text);
            if (i < widths.length - 1) {
                line.append(" ".repeat(widths[i] - text.length() + 2));
            }
        }
        out.append(line.toString().stripTrailing()).append('\n');
    }

    private String json(List<Map<String, String>> records) {
        StringBuilder out = new StringBuilder("{\n    \"").append(jsonKey).append("\": [");
        for (int r = 0; r < records.size(); r++) {
            out.append(r == 0 ? "\n" : ",\n").append("        {\n");
            for (int i = 0; i < columns.size(); i++) {
                out.append("            ").append(jsonString(columns.get(i).key())).append(": ").append(jsonString(cell(records.get(r), i)))
                        .append(i < columns.size() - 1 ? ",\n" : "\n");
            }
            out.append("        }");
        }
        return out.append(records.isEmpty() ? "]\n}\n" : "\n    ]\n}\n").toString();
    }

    private String csv(List<Map<String, String>> records) {
        StringBuilder out = new StringBuilder();
        out.append(String.join(",", columns.stream().map(c -> csvField(c.header())).toList())).append('\n');
        for (Map<String, String> record : records) {
            for (int i = 0; i < columns.size(); i++) {
                out.append(i == 0 ? "" : ",").append(csvField(cell(record, i)));
            }
            out.append('\n');
        }
        return out.toString();
    }

    private String yaml(List<Map<String, String>> records) {
        if (records.isEmpty()) {
            return jsonKey + ": []\n";
        }
        StringBuilder out = new StringBuilder(jsonKey).append(":\n");
        for (Map<String, String> record : records) {
            for (int i = 0; i < columns.size(); i++) {
                out.append(i == 0 ? "  - " : "    ").append(columns.get(i).key()).append(": ").append(jsonString(cell(record, i))).append('\n');
            }
        }
        return out.toString();
    }

    private String cell(Map<String, String> record, int column) {
        return record.getOrDefault(columns.get(column).key(), "--");
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
