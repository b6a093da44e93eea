// SPDX-License-Identifier: Apache-2.0
package multipass.cli;

import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Prints the records of one reply as they arrive, a batch (a frame's worth) at a time, so a
 * reply of any size is printed in bounded memory. {@link #end} is called once the reply has
 * ended with {@code OK}; after a failure it is not, and nothing more is printed. Not
 * thread-safe; one printer per reply.
 */
interface RecordPrinter {
    /** Prints (or, for a table still measuring its columns, holds) the next records. */
    void records(List<Map<String, String>> batch);

    /** The reply is complete: prints what is held and the closing text (or the text for no records). */
    void end();

    /** This printer, with each record changed by {@code change} before it is printed. */
    default RecordPrinter mapping(UnaryOperator<Map<String, String>> change) {
        RecordPrinter target = this;
        return new RecordPrinter() {
            @Override
            public void records(List<Map<String, String>> batch) {
                target.records(batch.stream().map(change).toList());
            }

            @Override
            public void end() {
                target.end();
            }
        };
    }
}
