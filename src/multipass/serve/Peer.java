// SPDX-License-Identifier: Apache-2.0
package multipass.serve;

import java.util.Objects;

/**
 * Who is at the other end of a connection, as far as the daemon can tell: the DER bytes of
 * the certificate presented in the TLS handshake (null if none) and the local user the kernel
 * names for the connection (null when it names none: a non-loopback TCP peer, or TCP on
 * another OS than Linux).
 *
 * <p>The user comes from one of two sources ({@link Source}), and they are not equal: both
 * name the user in trust entries and the audit log, and key the guessing limits and the
 * per-user connection caps, but only {@code SO_PEERCRED} on a Unix socket may grant anything
 * (first-client acceptance, administrator rights, ownership of entries by uid): ask
 * {@link #authority()} for those. Immutable.
 */
public record Peer(byte[] certificate, Credentials credentials) {
    /** Where the kernel's account of the peer came from. */
    public enum Source {
        /** {@code SO_PEERCRED} on the daemon's Unix socket. */
        UNIX_SOCKET,
        /** The owner of the client's end of a loopback TCP connection, from the kernel's socket tables. */
        LOOPBACK_TCP
    }

    /** Kernel-reported peer credentials: user name, uid, and where they came from. */
    public record Credentials(String user, long uid, Source source) {
        public Credentials {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(source, "source");
        }
    }

    /** The peer's OS user for logs and the trust store, {@code unknown} when the kernel names none. */
    public String userName() {
        return credentials == null ? "unknown" : credentials.user();
    }

    /** The peer's uid, -1 when the kernel names none. */
    public long uid() {
        return credentials == null ? -1 : credentials.uid();
    }

    /**
     * The credentials that may grant rights: those from {@code SO_PEERCRED}, else null. A
     * loopback TCP peer's uid names it but grants nothing, so that TCP gives no power it did
     * not have before the daemon could tell who is calling.
     */
    public Credentials authority() {
        return credentials != null && credentials.source() == Source.UNIX_SOCKET ? credentials : null;
    }
}
