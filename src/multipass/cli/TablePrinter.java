// SPDX-License-Identifier: Apache-2.0
package multipass.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * The table format: a header line and one line per record, columns padded to their widest cell
 * plus two spaces, trailing blanks stripped. Widths need the cells, so records are held until at
 * least {@link #SAMPLE} have arrived (whole batches: a reply that fits in one frame is measured in
 * full, exactly as before streaming) or the reply ends; the widths are then fixed, and later
 * records are printed as they arrive. A later cell wider than its column pushes the rest of its
 * own line right (two spaces still separate the columns). So memory stays bounded by
 * {@link #SAMPLE} records and one batch. Not thread-safe.
 */
final class TablePrinter implements RecordPrinter {
    /** Records measured before the column widths are fixed. */
    static final int SAMPLE = 1000;

    private final List<RecordFormatter.Column> columns;
    private final PrintStream out;
    private final String empty;
    private List<Map<String, String>> held = new ArrayList<>();
    private int[] widths;

    TablePrinter(List<RecordFormatter.Column> columns, PrintStream out, String empty) {
        this.columns = columns;
        this.out = out;
        this.empty = empty;
    }

    @Override
    public void records(List<Map<String, String>> batch) {
        if (widths != null) {
            print(batch);
            return;
        }
        held.addAll(batch);
        if (held.size() >= SAMPLE) {
            release();
        }
    }

    @Override
    public void end() {
        if (widths == null && held.isEmpty()) {
            out.print(empty + "\n");
        } else if (widths == null) {
            release();
        }
    }

    /** Fixes the widths from the records held and prints the header and those records. */
    private void release() {
        widths = new int[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            widths[i] = columns.get(i).header().length();
            for (Map<String, String> record : held) {
                widths[i] = Math.max(widths[i], RecordFormatter.cell(columns, record, i).length());
            }
        }
        StringBuilder text = new StringBuilder();
        appendRow(text, i -> columns.get(i).header());
        out.print(text);
        print(held);
        held = List.of();
    }

    private void print(List<Map<String, String>> records) {
        StringBuilder text = new StringBuilder();
        for (Map<String, String> record : records) {
            appendRow(text, i -> RecordFormatter.cell(columns, record, i));
        }
        out.print(text);
    }

    private void appendRow(StringBuilder out, IntFunction<String> cells) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < widths.length; i++) {
            String text = cells.apply(i);
            line.append(text);
            if (i < widths.length - 1) {
                line.append(" ".repeat(Math.max(widths[i] - text.length(), 0) + 2));
            }
        }
        out.append(line.toString().stripTrailing()).append('\n');
    }
}
