// SPDX-License-Identifier: Apache-2.0
package multipass.system;

/** The user-visible strings the system tests expect, verbatim from SPEC.md (section noted). */
final class Texts {
    /** SPEC 5.2. */
    static final String NOT_AUTHENTICATED = "The user is not authenticated with the Multipass service.\n\n"
            + "Please authenticate before proceeding (e.g. via 'multipass authenticate'). Note that you first need an authenticated"
            + " user to set and provide you with a trusted passphrase (e.g. via 'multipass set local.passphrase').";
    /** SPEC 5.3. */
    static final String NO_PASSPHRASE = "Incorrect passphrase. No passphrase is set.\n\n"
            + "To authenticate, first ask an authenticated user to set a passphrase and share it with you, provided they trust you."
            + " To set a passphrase, use the command 'multipass set local.passphrase'. Note that only the user who installs"
            + " Multipass is automatically authenticated.";
    /** SPEC 5.3. */
    static final String WRONG_PASSPHRASE = "Passphrase is not correct. Please try again.";
    /** SPEC 5.5. */
    static final String ACCESS_DENIED = "multipass socket access denied";
    /** SPEC 10. */
    static final String NO_INSTANCES = "No instances found.\n";
    /** SPEC 7. */
    static final String PROMPT = "Please enter passphrase: ";

    private Texts() {
    }
}
