// SPDX-License-Identifier: Apache-2.0
package multipass.cli;

/**
 * The client could not talk to the daemon: no socket, no permission, an unverifiable daemon,
 * a broken connection. The message is what follows {@code <command> failed: }; the detail is
 * the extra line shown at {@code -v} and above.
 */
final class ClientFailure extends Exception {
    private static final long serialVersionUID = 1L;
    private final String detail;

    ClientFailure(String message, String detail, Throwable cause) {
        super(message, cause);
        this.detail = detail;
    }

    String detail() {
        return detail;
    }
}
