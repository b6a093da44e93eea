// SPDX-License-Identifier: Apache-2.0
package multipass.api;

/**
 * Who may run a daemon command (or set a setting): anyone who connects, only a client whose
 * certificate the daemon trusts, or also an untrusted administrator (by kernel credentials),
 * which is how {@code set local.passphrase} breaks Multipass's lock-out loop.
 */
public enum Access {
    OPEN, TRUSTED, TRUSTED_OR_ADMIN
}
