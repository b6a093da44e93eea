// SPDX-License-Identifier: Apache-2.0
package multipass.settings;

import multipass.util.AtomicFile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An INI file as Multipass keeps its settings: {@code [Section]} headers and {@code key=value}
 * lines; comments ({@code #}, {@code ;}) and lines it does not understand are kept as they
 * are. A change replaces the file atomically (mode 0600) before it takes effect in memory, so
 * a crash leaves the old or the new file, never a mix. Thread-safe.
 */
public final class IniFile {
    private final Path file;
    private List<String> lines;

    private IniFile(Path file, List<String> lines) {
        this.file = file;
        this.lines = lines;
    }

    /** Loads {@code file} (absent: empty; it is created on the first change). */
    public static IniFile open(Path file) throws IOException {
        return new IniFile(file, Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of());
    }

    /** The file this store reads and writes. */
    public Path file() {
        return file;
    }

    /** The value of {@code key} in {@code [section]}, or null when it is not set. */
    public synchronized String get(String section, String key) {
        return section(section).get(key);
    }

    /** The {@code key=value} lines of {@code [section]}, in file order (the first of a repeated key wins). */
    public synchronized Map<String, String> section(String section) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Line line : scan(lines)) {
            if (line.key() != null && line.in(section)) {
                values.putIfAbsent(line.key(), line.value());
            }
        }
        return values;
    }

    /**
     * Sets {@code key} in {@code [section]} to {@code value}, replacing its line (and dropping
     * repeats), else adding it at the end of the section, else adding the section at the end;
     * persisted before this returns.
     */
    public synchronized void set(String section, String key, String value) throws IOException {
        List<String> updated = new ArrayList<>();
        boolean written = false;
        boolean seenSection = false;
        for (Line line : scan(lines)) {
            boolean leavingSection = line.header() && seenSection && !written && !line.in(section);
            if (leavingSection) {
                updated.add(key + "=" + value);
                written = true;
            }
            seenSection |= line.in(section);
            if (line.in(section) && key.equals(line.key())) {
                if (!written) {
                    updated.add(key + "=" + value);
                    written = true;
                }
                continue;
            }
            updated.add(line.text());
        }
        if (!written) {
            if (!seenSection) {
                updated.add("[" + section + "]");
            }
            updated.add(key + "=" + value);
        }
        AtomicFile.write(file, (String.join("\n", updated) + "\n").getBytes(StandardCharsets.UTF_8), AtomicFile.OWNER_ONLY);
        lines = List.copyOf(updated);
    }

    /** The one scan: every line with the section it is in and, for {@code key=value} lines, the key and the value. */
    private static List<Line> scan(List<String> lines) {
        List<Line> scanned = new ArrayList<>(lines.size());
        String section = null;
        for (String text : lines) {
            String trimmed = text.strip();
            boolean header = trimmed.startsWith("[");
            if (header) {
                section = trimmed;
            }
            boolean pair = !header && trimmed.contains("=") && !trimmed.startsWith("#") && !trimmed.startsWith(";");
            int eq = trimmed.indexOf('=');
            scanned.add(new Line(text, header, section, pair ? trimmed.substring(0, eq).strip() : null,
                    pair ? trimmed.substring(eq + 1).strip() : null));
        }
        return scanned;
    }

    /** One line of the file; {@code section} is the trimmed header it falls under (null before the first). */
    private record Line(String text, boolean header, String section, String key, String value) {
        boolean in(String name) {
            return section != null && section.equals("[" + name + "]");
        }
    }
}
