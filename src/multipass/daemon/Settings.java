// SPDX-License-Identifier: Apache-2.0
package multipass.daemon;

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
 * The daemon's settings file, {@code multipassd.conf}: INI with a {@code [General]} section,
 * as Multipass keeps it. {@code local.passphrase} (a hash, empty when unset) is set through
 * the CLI; a {@code [Limits]} section may tune the daemon's protective limits; other lines are
 * kept as they are. Changes replace the file atomically before they take
 * effect in memory. Thread-safe.
 */
final class Settings {
    static final String FILE = "multipassd.conf";
    static final String PASSPHRASE_KEY = "local.passphrase";
    private static final String SECTION = "[General]";

    private final Path file;
    private List<String> lines;

    private Settings(Path file, List<String> lines) {
        this.file = file;
        this.lines = lines;
    }

    /** Loads the settings in {@code dataDir} (absent file: nothing set). */
    static Settings open(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE);
        List<String> lines = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : new ArrayList<>();
        return new Settings(file, new ArrayList<>(lines));
    }

    /** The stored passphrase hash, or empty when none is set. */
    synchronized String passphraseHash() {
        boolean general = false;
        for (String line : lines) {
            String trimmed = line.strip();
            if (trimmed.startsWith("[")) {
                general = trimmed.equals(SECTION);
            } else if (general && trimmed.startsWith(PASSPHRASE_KEY + "=")) {
                return trimmed.substring(PASSPHRASE_KEY.length() + 1).strip();
            }
        }
        return "";
    }

    /** The {@code key=value} lines of section {@code [name]}, e.g. {@code Limits}. */
    synchronized Map<String, String> section(String name) {
        Map<String, String> values = new LinkedHashMap<>();
        boolean inside = false;
        for (String line : lines) {
            String trimmed = line.strip();
            if (trimmed.startsWith("[")) {
                inside = trimmed.equals("[" + name + "]");
            } else if (inside && trimmed.contains("=") && !trimmed.startsWith("#") && !trimmed.startsWith(";")) {
                values.put(trimmed.substring(0, trimmed.indexOf('=')).strip(), trimmed.substring(trimmed.indexOf('=') + 1).strip());
            }
        }
        return values;
    }

    /** Stores {@code hash} (empty: unset), persisted before this returns. */
    synchronized void setPassphraseHash(String hash) throws IOException {
        List<String> updated = new ArrayList<>();
        boolean general = false;
        boolean written = false;
        for (String line : lines) {
            String trimmed = line.strip();
            if (trimmed.startsWith("[")) {
                if (general && !written) {
                    updated.add(PASSPHRASE_KEY + "=" + hash);
                    written = true;
                }
                general = trimmed.equals(SECTION);
            } else if (general && trimmed.startsWith(PASSPHRASE_KEY + "=")) {
                if (!written) {
                    updated.add(PASSPHRASE_KEY + "=" + hash);
                    written = true;
                }
                continue;
            }
            updated.add(line);
        }
        if (!written) {
            if (!general) {
                updated.add(SECTION);
            }
            updated.add(PASSPHRASE_KEY + "=" + hash);
        }
        AtomicFile.write(file, (String.join("\n", updated) + "\n").getBytes(StandardCharsets.UTF_8), AtomicFile.OWNER_ONLY);
        lines = updated;
    }
}
