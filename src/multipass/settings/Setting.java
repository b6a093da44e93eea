// SPDX-License-Identifier: Apache-2.0
package multipass.settings;

import multipass.api.Access;

import java.util.Optional;

/**
 * One settings key, as {@code multipass get}/{@code set}, the help, the man page, the shell
 * completion and the daemon all see it: where its value lives, whether it is secret (never
 * shown, prompted for without echo), how a value is checked, how it is prompted for when
 * {@code set} is given no value, who may set it, and its value when unset. Immutable.
 */
public record Setting(String key, Home home, boolean secret, Check check, Prompt prompt, Access whoMaySet, String defaultValue) {

    /** Where a setting's value lives. */
    public enum Home {
        /** In the daemon's {@code multipassd.conf}; the CLI asks the daemon. */
        DAEMON,
        /** In the user's client configuration file ({@link ClientSettings}); the daemon never sees it. */
        CLIENT
    }

    /** Checks a value; the problem is a message that names the bad value and what to do. */
    @FunctionalInterface
    public interface Check {
        /** Any value is accepted. */
        Check ANY = value -> Optional.empty();

        Optional<String> problem(String value);
    }

    /**
     * The prompts of {@code multipass set <key>} without a value: {@code first}, then
     * {@code again} to confirm (null: asked once), and the error when the two differ.
     */
    public record Prompt(String first, String again, String mismatch) {
    }

    /** The problem with {@code value} for this key, if any. */
    public Optional<String> problem(String value) {
        return check.problem(value);
    }
}
