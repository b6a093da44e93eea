// SPDX-License-Identifier: Apache-2.0
package multipass.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The results as plain text: sections, each with a header row, data rows and notes, columns
 * padded to their widest cell (first column left-aligned, the figures right-aligned).
 */
final class Table {
    private final StringBuilder text = new StringBuilder();
    private final List<String[]> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    /** Free text before the first section. */
    Table line(String line) {
        flush();
        text.append(line).append('\n');
        return this;
    }

    /** Starts a section; {@code header} names its columns. */
    Table section(String title, String... header) {
        flush();
        text.append('\n').append("== ").append(title).append(" ==").append('\n');
        rows.add(header);
        return this;
    }

    Table row(String... cells) {
        rows.add(cells);
        return this;
    }

    /** A note printed under the section's rows. */
    Table note(String note) {
        notes.add(note);
        return this;
    }

    private void flush() {
        if (!rows.isEmpty()) {
            int columns = rows.stream().mapToInt(r -> r.length).max().orElse(0);
            int[] widths = new int[columns];
            for (String[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    widths[i] = Math.max(widths[i], row[i].length());
                }
            }
            for (String[] row : rows) {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < row.length; i++) {
                    String cell = row[i];
                    String pad = " ".repeat(widths[i] - cell.length());
                    line.append(i == 0 ? cell + pad : "  " + pad + cell);
                }
                text.append(line.toString().stripTrailing()).append('\n');
            }
            rows.clear();
        }
        for (String note : notes) {
            text.append("  ").append(note).append('\n');
        }
        notes.clear();
    }

    @Override
    public String toString() {
        flush();
        return text.toString();
    }

    /** A figure with one decimal, or "-" when there is none. */
    static String ms(double value) {
        return Double.isNaN(value) ? "-" : String.format("%.1f", value);
    }

    /** A CPU time in ms, with three significant decimals for the small ones. */
    static String cpu(double value) {
        return Double.isNaN(value) ? "-" : value < 1 ? String.format("%.3f", value) : String.format("%.2f", value);
    }

    /** A whole number, or "-". */
    static String whole(double value) {
        return Double.isNaN(value) || Double.isInfinite(value) ? "-" : String.format("%,.0f", value);
    }

    /** "low-high" with one decimal. */
    static String range(double low, double high) {
        return ms(low) + "-" + ms(high);
    }
}
