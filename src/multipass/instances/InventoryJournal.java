// SPDX-License-Identifier: Apache-2.0
package multipass.instances;

import multipass.util.AppendLog;
import multipass.util.AtomicFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The inventory's journal, {@code instances.journal}: the changes made since {@code instances.txt}
 * was last written, one {@link AppendLog} record per change however many instances it touches
 * (so {@code stop --all} survives a crash whole or not at all, as it did when the whole file was
 * replaced):
 *
 * <pre>
 * multipass-instances-journal 1
 * =	name=web	state=Running	image=24.04	...	created=2025-05-01T09:30:00Z 1c9d02e4
 * -	web	db 77b0a1c3
 * </pre>
 *
 * {@code =} records the instances after the change, as {@link InventoryFile} lines, separated by
 * an empty field (two tabs, which no valid line holds); {@code -} records names removed.
 * Replaying puts and removes by name, so replaying over a file that already has the changes
 * (a crash between the rewrite and the journal's deletion) changes nothing. Not thread-safe:
 * the backend serialises its use.
 */
final class InventoryJournal {
    static final String NAME = "instances.journal";
    static final String HEADER = "multipass-instances-journal 1";
    private static final String SEPARATOR = "\t\t";

    private final AppendLog log;

    private InventoryJournal(AppendLog log) {
        this.log = log;
    }

    /** Reads {@code file} (absent: empty) and applies its changes to {@code instances}. */
    static InventoryJournal replay(Path file, Map<String, Instance> instances) throws IOException {
        try {
            return new InventoryJournal(AppendLog.read(file, HEADER, AtomicFile.OWNER_ONLY, (line, payload) -> apply(file, line, payload, instances)));
        } catch (AppendLog.CorruptLogException e) {
            throw new IOException(e.getMessage(), e); // it names the journal, the line and what to do
        }
    }

    /** Records, durably and as one change, that {@code changed} are now as given. */
    void changed(Collection<Instance> changed) throws IOException {
        log.append("=\t" + String.join(SEPARATOR, changed.stream().map(InventoryFile::line).toList()));
    }

    /** Records, durably and as one change, that the instances {@code names} are gone. */
    void removed(Collection<String> names) throws IOException {
        log.append("-\t" + String.join("\t", names));
    }

    /** The journal's file, for {@link multipass.util.Compaction}. */
    AppendLog log() {
        return log;
    }

    private static void apply(Path file, int line, String payload, Map<String, Instance> instances) throws AppendLog.CorruptLogException {
        try {
            if (payload.startsWith("=\t")) {
                for (String text : payload.substring(2).split(SEPARATOR, -1)) {
                    Instance instance = InventoryFile.instance(file, line, text);
                    instances.put(instance.name(), instance);
                }
            } else if (payload.startsWith("-\t")) {
                List.of(payload.substring(2).split("\t", -1)).forEach(instances::remove);
            } else {
                throw new AppendLog.CorruptLogException(file + " line " + line + ": unknown change; was the file edited?"
                        + " Restore it or move it aside, losing the changes it holds");
            }
        } catch (InventoryFile.CorruptException e) {
            throw new AppendLog.CorruptLogException(file + " line " + line + ": an intact record that does not parse (" + e.problem()
                    + "); was the file edited? Restore it or move it aside, losing the changes it holds");
        }
    }
}
