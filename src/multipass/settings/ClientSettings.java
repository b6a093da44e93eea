// SPDX-License-Identifier: Apache-2.0
package multipass.settings;

import multipass.util.PrivateDirectories;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The values of the client-side settings ({@link Setting.Home#CLIENT}), in the user's client
 * configuration file ({@code $XDG_CONFIG_HOME/multipass/multipass.conf}, by default
 * {@code ~/.config/multipass/multipass.conf}; see {@code Platform.clientConfigFile}): an INI
 * file with the keys under {@code [General]}, mode 0600, replaced atomically on every change,
 * its missing directories created private. Thread-safe.
 */
public final class ClientSettings {
    private static final String SECTION = "General";

    private final IniFile ini;

    private ClientSettings(IniFile ini) {
        this.ini = ini;
    }

    /** Reads {@code file} (absent: every key has its default). */
    public static ClientSettings open(Path file) throws IOException {
        return new ClientSettings(IniFile.open(file));
    }

    /** The value of {@code setting}, or its default when the file does not set it. */
    public String get(Setting setting) {
        requireClient(setting);
        String value = ini.get(SECTION, setting.key());
        return value == null ? setting.defaultValue() : value;
    }

    /** Stores {@code value} (already checked) for {@code setting}; persisted before this returns. */
    public void set(Setting setting, String value) throws IOException {
        requireClient(setting);
        Path dir = ini.file().toAbsolutePath().getParent();
        if (dir != null) {
            PrivateDirectories.createAll(dir);
        }
        ini.set(SECTION, setting.key(), value);
    }

    private static void requireClient(Setting setting) {
        if (setting.home() != Setting.Home.CLIENT) {
            throw new IllegalStateException(setting.key() + " lives in the daemon, not in the client configuration file");
        }
    }
}
