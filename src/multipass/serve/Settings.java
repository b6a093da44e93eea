// SPDX-License-Identifier: Apache-2.0
package multipass.serve;

import multipass.settings.IniFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The daemon's settings file, {@code multipassd.conf}: an {@link IniFile} whose
 * {@code [General]} section holds the daemon-side keys of the settings registry (e.g.
 * {@code local.passphrase}, a hash, empty when unset) and whose {@code [Limits]} section may
 * tune the daemon's protective limits; other lines are kept as they are. Changes replace the
 * file atomically before they take effect in memory. Thread-safe.
 */
public final class Settings {
    public static final String FILE = "multipassd.conf";
    private static final String GENERAL = "General";

    private final IniFile ini;

    private Settings(IniFile ini) {
        this.ini = ini;
    }

    /** Loads the settings in {@code dataDir} (absent file: nothing set). */
    public static Settings open(Path dataDir) throws IOException {
        return new Settings(IniFile.open(dataDir.resolve(FILE)));
    }

    /** The value of {@code key} in {@code [General]}, or empty when it is not set. */
    String get(String key) {
        String value = ini.get(GENERAL, key);
        return value == null ? "" : value;
    }

    /** Stores {@code value} (empty: unset) for {@code key} in {@code [General]}, persisted before this returns. */
    void set(String key, String value) throws IOException {
        ini.set(GENERAL, key, value);
    }

    /** The {@code key=value} lines of section {@code [name]}, e.g. {@code Limits}. */
    public Map<String, String> section(String name) {
        return ini.section(name);
    }
}
