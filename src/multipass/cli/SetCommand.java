// SPDX-License-Identifier: Apache-2.0
package multipass.cli;

import multipass.auth.PassphraseHash;
import multipass.settings.Setting;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/** {@code multipass set <key>[=<value>]}: change a setting; the passphrase is prompted for twice when no value is given. */
final class SetCommand implements Command {
    private static final CommandSpec SPEC = new CommandSpec("set", List.of(), "Set a configuration setting", "<key>[=<value>]",
            List.of("Set, to the given value, the configuration setting corresponding to the given key.",
                    "If no value is given, the value is read from a prompt (hidden for local.passphrase)."),
            List.of(),
            List.of(new CommandSpec.ArgumentSpec("keyval", "A key, or a key-value pair. The key specifies a path to the setting to"
                    + " configure. The value is its intended value. If only the key is given, the value will be prompted for."
                    + " An empty value clears local.passphrase.")));

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public int run(Invocation call) throws CommandFailed {
        if (call.args().size() != 1) {
            throw call.usageError("Need exactly one key-value pair (in <key>=<value> form).");
        }
        String[] parts = call.args().get(0).split("=", -1);
        if (parts.length > 2 || parts[0].isEmpty()) {
            throw call.usageError("Bad key-value format.");
        }
        Setting setting = SettingValues.requireKnown(call, parts[0]);
        String value = parts.length == 2 ? parts[1] : prompt(call, setting);
        SettingValues.set(call, setting, value);
        return 0;
    }

    /** Asks for the value with the key's own prompts: once, or twice and compared when the entry has a confirmation prompt. */
    private static String prompt(Invocation call, Setting setting) throws CommandFailed {
        Setting.Prompt prompt = setting.prompt();
        char[] first = read(call, setting, prompt.first());
        char[] second = prompt.again() == null ? first.clone() : read(call, setting, prompt.again());
        try {
            if (!Arrays.equals(first, second)) {
                throw call.usageError(prompt.mismatch());
            }
            return new String(first);
        } finally {
            PassphraseHash.wipe(first);
            PassphraseHash.wipe(second);
        }
    }

    private static char[] read(Invocation call, Setting setting, String prompt) throws CommandFailed {
        try {
            char[] typed = setting.secret() ? call.terminal().readSecret(prompt) : call.terminal().readLine(prompt);
            if (typed == null) {
                throw call.usageError("Failed to read value");
            }
            return typed;
        } catch (IOException e) {
            throw call.usageError("Failed to read value");
        }
    }
}
