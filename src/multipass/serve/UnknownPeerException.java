// SPDX-License-Identifier: Apache-2.0
package multipass.serve;

/**
 * The kernel should name a connection's local user and no longer does: a loopback TCP client
 * whose end of the connection is no longer open (it half-closed, or reset it) by the time the
 * daemon first needed to know who it is. Such a peer is refused, whatever it asked for: served
 * as nobody, it would escape its user's limits. The message says what to do.
 */
public final class UnknownPeerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnknownPeerException(String message) {
        super(message);
    }
}
