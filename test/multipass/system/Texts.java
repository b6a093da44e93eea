// SPDX-License-Identifier: Apache-2.0
package multipass.system;

import multipass.system.ThrowAwayUsers.User;

import java.io.IOException;
import java.nio.file.Path;

/** The user-visible strings the system tests expect, verbatim from SPEC.md (section noted), and the refusal paragraphs of issue 13. */
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

    /** The last line of a refusal paragraph (issue 13). */
    static final String MORE = "See 'multipass trust status' for more.\n";

    private Texts() {
    }

    /** What {@code command} prints on stderr when the daemon refuses {@code user} (their default identity) as not authenticated. */
    static String notAuthenticated(String command, User user) throws IOException {
        return notAuthenticated(command, user.name(), user.uid(), user.identityDir().resolve("multipass_cert.pem"), "");
    }

    /**
     * Multipass's message, then the paragraph naming {@code name} (uid {@code uid}) and the first
     * 16 hex digits of the certificate in {@code certificate}, then {@code middle} (the sudo lines).
     */
    static String notAuthenticated(String command, String name, long uid, Path certificate, String middle) throws IOException {
        return command + " failed: " + NOT_AUTHENTICATED + "\n\nRefused: user " + name + " (uid " + uid + "), client certificate "
                + FileFacts.fingerprint(certificate).substring(0, 16) + ".\n" + middle + MORE;
    }

    /** What {@code command} prints on stderr when the kernel refuses {@code user} on {@code socket}, which admits root and {@code group}. */
    static String accessDenied(String command, Path socket, String group, User user) {
        return command + " failed: " + ACCESS_DENIED + "\n\nThe socket " + socket + " admits only root and the group " + group + ", and "
                + user.name() + " is not in that group.\n"
                + "The daemon opens the socket to every user once an administrator has used it for the first time.\n";
    }
}
