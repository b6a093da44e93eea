// SPDX-License-Identifier: Apache-2.0
package multipass.settings;

import multipass.api.Access;

import java.util.List;
import java.util.Optional;

/**
 * The settings registry: every key {@code multipass get}/{@code set} know, in the order
 * {@code get --keys} lists them. The CLI (commands, help, man page, completion) and the
 * daemon both read it; adding a key is one entry here plus its behaviour (for a daemon key,
 * a handler in the daemon's settings commands; a client key needs nothing more to be stored).
 */
public final class SettingKeys {
    /** The passphrase other users authenticate with; its value is never shown. */
    public static final Setting PASSPHRASE = new Setting("local.passphrase", Setting.Home.DAEMON, true, Setting.Check.ANY,
            new Setting.Prompt("Please enter passphrase: ", "Please re-enter passphrase: ", "Passphrases do not match"),
            Access.TRUSTED_OR_ADMIN, "");

    /**
     * How long the warm client waits for a command ({@link PersistTime}; {@code 0}, the default,
     * is off); the client's own, in the user's client configuration file.
     */
    public static final Setting PERSIST = new Setting("client.persist", Setting.Home.CLIENT, false, PersistTime::problem,
            new Setting.Prompt("Please enter value: ", null, null), Access.OPEN, "0");

    /** Every key, in listing order. */
    public static final List<Setting> ALL = List.of(PERSIST, PASSPHRASE);

    private SettingKeys() {
    }

    /** The entry for {@code key}, if it is a known key. */
    public static Optional<Setting> find(String key) {
        return ALL.stream().filter(setting -> setting.key().equals(key)).findFirst();
    }

    /** The names of every key, in listing order. */
    public static List<String> names() {
        return ALL.stream().map(Setting::key).toList();
    }

    /** Multipass's message for a key it does not know (CLI and daemon alike). */
    public static String unrecognized(String key) {
        return "Unrecognized settings key: '" + key + "'";
    }
}
