// SPDX-License-Identifier: Apache-2.0
package multipass.daemon;

/** The daemon cannot start; the message says why and what to do. */
public final class StartupException extends Exception {
    private static final long serialVersionUID = 1L;

    StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
