// SPDX-License-Identifier: Apache-2.0
package multipass.cli;

import java.util.List;

/** The settings keys the CLI knows, for {@code get}, {@code set} and {@code get --keys}. */
final class SettingsKeys {
    /** The passphrase other users authenticate with; its value is never shown. */
    static final String PASSPHRASE = "local.passphrase";
    static final List<String> ALL = List.of(PASSPHRASE);

    private SettingsKeys() {
    }

    /** Fails with Multipass's message for a key it does not know. */
    static void requireKnown(Invocation call, String key) throws CommandFailed {
        if (!ALL.contains(key)) {
            throw call.usageError("Unrecognized settings key: '" + key + "'");
        }
    }
}
