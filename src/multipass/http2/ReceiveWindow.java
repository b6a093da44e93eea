// SPDX-License-Identifier: Apache-2.0
package multipass.http2;

/**
 * One receive flow-control window, of a stream or of the connection (RFC 9113 section 5.2 and
 * section 6.9): how much DATA the peer may still send, how much received DATA the application
 * holds unconsumed, and how much it consumed that has not yet been given back. Credit goes
 * back in one WINDOW_UPDATE once it reaches half the window, so a steady stream costs one
 * update per half window, not one per frame. Guarded by the connection's state lock.
 */
final class ReceiveWindow {
    private int size;
    private long available;
    private long unconsumed;
    private long credit;

    /** {@code size} is the window we advertise; the peer may send {@code initial} before it sees that. */
    ReceiveWindow(int size, long initial) {
        this.size = size;
        this.available = initial;
    }

    /** Counts {@code n} received octets; false when that is more than the peer was allowed to send. */
    boolean receive(int n) {
        if (n > available) {
            return false;
        }
        available -= n;
        unconsumed += n;
        return true;
    }

    /** Octets received and not yet consumed. */
    long unconsumed() {
        return unconsumed;
    }

    /**
     * The application is done with {@code n} octets (at most {@link #unconsumed()}). Returns the
     * increment to announce in a WINDOW_UPDATE now, or 0 to wait for more credit.
     */
    int consume(long n) {
        unconsumed -= n;
        credit += n;
        if (credit < Math.max(1, size / 2)) {
            return 0;
        }
        int increment = (int) credit;
        credit = 0;
        available += increment;
        return increment;
    }

    /** Our SETTINGS_INITIAL_WINDOW_SIZE took effect (the peer acknowledged it): the window moves by the change. */
    void resize(int newSize, long delta) {
        size = newSize;
        available += delta;
    }
}
