// SPDX-License-Identifier: Apache-2.0
package multipass.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * When a store kept as a main file plus an {@link AppendLog} journal of the changes since folds
 * the journal back in: when asked (at start and at a clean stop), and after a change once the
 * journal is larger than half the main file, so that the O(n) rewrite comes once every O(n)
 * changes and a change costs O(1) on average. A rewrite that fails after a change is logged and
 * retried at the next one: the journal still holds every change, so the change itself stands.
 * Not thread-safe: its owner calls it under the owner's lock.
 */
public final class Compaction {
    /** Writes the owner's whole state to its main file, durably and atomically. */
    @FunctionalInterface
    public interface Rewrite {
        void writeMainFile() throws IOException;
    }

    private static final System.Logger LOG = System.getLogger(Compaction.class.getName());

    private final String store;
    private final Path mainFile;
    private final AppendLog journal;
    private final Rewrite rewrite;
    /** The main file's size when last read or written. */
    private long mainBytes;

    /** {@code store} names the store in log lines, e.g. "the trust store". */
    public Compaction(String store, Path mainFile, AppendLog journal, Rewrite rewrite) throws IOException {
        this.store = store;
        this.mainFile = mainFile;
        this.journal = journal;
        this.rewrite = rewrite;
        this.mainBytes = Files.exists(mainFile) ? Files.size(mainFile) : 0;
    }

    /** Rewrites the main file and deletes the journal, if the journal holds any change. */
    public void now() throws IOException {
        if (journal.hasRecords()) {
            rewrite.writeMainFile();
            mainBytes = Files.size(mainFile);
            journal.delete();
        }
    }

    /** Compacts if the journal has outgrown half the main file; a failure is logged, never thrown. */
    public void ifDue() {
        if (journal.size() <= mainBytes / 2) {
            return;
        }
        try {
            now();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "could not rewrite " + store + " " + mainFile + " (its journal keeps every change;"
                    + " the rewrite is retried at the next change): " + e.getMessage());
        }
    }
}
