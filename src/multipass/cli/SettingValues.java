// SPDX-License-Identifier: Apache-2.0
package multipass.cli;

import multipass.api.CommandNames;
import multipass.api.Reply;
import multipass.settings.ClientSettings;
import multipass.settings.Setting;
import multipass.settings.SettingKeys;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes a setting wherever the registry ({@link SettingKeys}) says it lives: the
 * daemon's keys through the daemon, the client's keys in the user's client configuration file.
 */
final class SettingValues {
    private SettingValues() {
    }

    /** The registry entry for {@code key}; fails with Multipass's message for a key it does not know. */
    static Setting requireKnown(Invocation call, String key) throws CommandFailed {
        return SettingKeys.find(key).orElseThrow(() -> call.usageError(SettingKeys.unrecognized(key)));
    }

    /** The value {@code multipass get} shows for {@code setting}. */
    static String get(Invocation call, Setting setting) throws CommandFailed {
        if (setting.home() == Setting.Home.CLIENT) {
            try {
                return ClientSettings.open(call.clientConfigFile()).get(setting);
            } catch (IOException e) {
                throw call.failed("cannot read " + call.clientConfigFile() + ": " + e.getMessage());
            }
        }
        Reply reply = call.call(CommandNames.GET, List.of(setting.key()), Map.of());
        return reply.records().isEmpty() ? "" : reply.records().get(0).getOrDefault("value", "");
    }

    /** Stores {@code value} for {@code setting}; a client key's value is checked here, a daemon key's by the daemon. */
    static void set(Invocation call, Setting setting, String value) throws CommandFailed {
        if (setting.home() == Setting.Home.DAEMON) {
            call.call(CommandNames.SET, List.of(setting.key(), value), Map.of());
            return;
        }
        String problem = setting.problem(value).orElse(null);
        if (problem != null) {
            throw call.usageError(problem);
        }
        try {
            ClientSettings.open(call.clientConfigFile()).set(setting, value);
        } catch (IOException e) {
            throw call.failed("cannot write " + call.clientConfigFile() + ": " + e.getMessage());
        }
    }
}
