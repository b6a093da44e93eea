// SPDX-License-Identifier: Apache-2.0
package multipass.auth;

/**
 * Who is at the other end of a connection, as far as the daemon can tell: the DER bytes of
 * the certificate presented in the TLS handshake (null if none) and, on a Unix socket, the
 * kernel-reported credentials of the peer process ({@code SO_PEERCRED}; null over TCP).
 */
public record Peer(byte[] certificate, Credentials credentials) {
    /** Kernel-reported peer credentials: user name and uid. */
    public record Credentials(String user, long uid) {
    }

    /** The peer's OS user for logs and the trust store, {@code unknown} over TCP. */
    public String userName() {
        return credentials == null ? "unknown" : credentials.user();
    }

    /** The peer's uid, -1 over TCP. */
    public long uid() {
        return credentials == null ? -1 : credentials.uid();
    }
}
