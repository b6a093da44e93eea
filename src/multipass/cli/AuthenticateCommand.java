// SPDX-License-Identifier: Apache-2.0
package multipass.cli;

import multipass.auth.PassphraseHash;
import multipass.api.CommandNames;
import multipass.settings.SettingKeys;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/** {@code multipass authenticate [<passphrase>]} (alias {@code auth}): trust this client by passphrase. */
final class AuthenticateCommand implements Command {
    static final String PROMPT = SettingKeys.PASSPHRASE.prompt().first();
    private static final CommandSpec SPEC = new CommandSpec("authenticate", List.of("auth"), "Authenticate client", "[<passphrase>]",
            List.of("Authenticate with the Multipass service.",
                    "A system administrator should provide you with a passphrase",
                    "to allow use of the Multipass service."),
            List.of(),
            List.of(new CommandSpec.ArgumentSpec("passphrase", "Passphrase to register with the Multipass service. If omitted,"
                    + " a prompt will be displayed for entering the passphrase.")));

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public int run(Invocation call) throws CommandFailed {
        if (call.args().size() > 1) {
            throw call.usageError("Too many arguments given");
        }
        String passphrase = call.args().isEmpty() ? prompt(call) : call.args().get(0);
        call.call(CommandNames.AUTHENTICATE, List.of(passphrase), Map.of());
        return 0;
    }

    private static String prompt(Invocation call) throws CommandFailed {
        char[] typed;
        try {
            typed = call.terminal().readSecret(PROMPT);
        } catch (IOException e) {
            throw call.usageError("Failed to read value");
        }
        if (typed == null) {
            throw call.usageError("Failed to read value");
        }
        if (typed.length == 0) {
            throw call.usageError("No passphrase given");
        }
        String passphrase = new String(typed);
        PassphraseHash.wipe(typed);
        return passphrase;
    }
}
