// SPDX-License-Identifier: Apache-2.0
package multipass.cli;

/**
 * The client could not talk to the daemon: no socket, no permission, an unverifiable daemon,
 * a broken connection. The message is what follows {@code <command> failed: }; the detail is
 * the extra line shown at {@code -v} and above; the note, a paragraph shown at every
 * verbosity after a blank line (what to do about a refused socket).
 */
final class ClientFailure extends Exception {
    private static final long serialVersionUID = 1L;
    private final String detail;
    private final String note;

    ClientFailure(String message, String detail, Throwable cause) {
        this(message, detail, null, cause);
    }

    ClientFailure(String message, String detail, String note, Throwable cause) {
        super(message, cause);
        this.detail = detail;
        this.note = note;
    }

    String detail() {
        return detail;
    }

    /** The paragraph to show after a blank line, ending in a newline; null when none. */
    String note() {
        return note;
    }
}
