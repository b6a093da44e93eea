// SPDX-License-Identifier: Apache-2.0
package multipass.cli;

import multipass.settings.Setting;
import multipass.settings.SettingKeys;

import java.util.List;

/** {@code multipass get <key> | --keys}: show a setting ({@code local.passphrase} shows only whether one is set). */
final class GetCommand implements Command {
    private static final CommandSpec SPEC = new CommandSpec("get", List.of(), "Get a configuration setting", "[<key>]",
            List.of("Get the configuration setting corresponding to the given key, or all settings if no key is specified.",
                    "(Support for multiple keys and wildcards coming...)"),
            List.of(new CommandSpec.OptionSpec(null, "keys", null, "List available settings keys. This outputs the whole list of"
                    + " currently available settings keys, or just <arg>, if provided and a valid key.")),
            List.of(new CommandSpec.ArgumentSpec("key", "Path to the setting whose configured value should be obtained.")));

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public int run(Invocation call) throws CommandFailed {
        if (call.args().size() > 1) {
            throw call.usageError("Multiple settings not implemented yet. Please try again with one single settings key or just the"
                    + " `--keys` option for now.");
        }
        if (call.option("keys", null) != null) {
            for (String key : call.args().isEmpty() ? SettingKeys.names() : call.args()) {
                SettingValues.requireKnown(call, key);
                call.out().println(key);
            }
            return 0;
        }
        if (call.args().isEmpty()) {
            throw call.usageError("Need a key, or --keys to list them.");
        }
        Setting setting = SettingValues.requireKnown(call, call.args().get(0));
        String value = SettingValues.get(call, setting);
        // A secret's value never leaves the daemon: any daemon, ours or Multipass's, says whether
        // one is set by sending something or nothing, and Multipass's client prints it so.
        call.out().println(setting.secret() ? Boolean.toString(!value.isEmpty()) : value);
        return 0;
    }
}
