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
 * {@link #authority()} for those.
 *
 * <p>The user may be looked up only when first asked for ({@link #later}): a loopback TCP
 * peer's costs a read of the kernel's socket tables, and a trusted client's {@code list} never
 * needs it. A lookup that must name someone and cannot ({@link UnknownPeerException}) fails
 * every ask, so that such a peer is refused whatever needed its user. Thread-safe.
 */
public final class Peer {
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

    /** Reads a peer's credentials when they are first needed. */
    @FunctionalInterface
    public interface Lookup {
        /**
         * The peer's credentials, null when the kernel names nobody and need not.
         *
         * @throws UnknownPeerException when it must name the peer and cannot
         */
        Credentials find();
    }

    private final byte[] certificate;
    private final Source source;
    private Lookup lookup; // guarded by this; null once looked up
    private Credentials credentials; // guarded by this
    private UnknownPeerException failure; // guarded by this

    /** A peer whose credentials ({@code null}: none) are known now. */
    public Peer(byte[] certificate, Credentials credentials) {
        this.certificate = certificate;
        this.source = credentials == null ? null : credentials.source();
        this.credentials = credentials;
    }

    private Peer(byte[] certificate, Source source, Lookup lookup) {
        this.certificate = certificate;
        this.source = Objects.requireNonNull(source, "source");
        this.lookup = Objects.requireNonNull(lookup, "lookup");
    }

    /** A peer whose credentials, from {@code source}, {@code lookup} finds when first asked for. */
    public static Peer later(byte[] certificate, Source source, Lookup lookup) {
        return new Peer(certificate, source, lookup);
    }

    /** The DER bytes of the peer's certificate, null if it presented none. */
    public byte[] certificate() {
        return certificate;
    }

    /**
     * The peer's credentials, looked up now if they were put off; null when the kernel names
     * nobody.
     *
     * @throws UnknownPeerException when the kernel must name the peer and could not
     */
    public synchronized Credentials credentials() {
        if (lookup != null) {
            Lookup once = lookup;
            lookup = null;
            try {
                credentials = once.find();
            } catch (UnknownPeerException e) {
                failure = e;
            }
        }
        if (failure != null) {
            throw failure;
        }
        return credentials;
    }

    /** The peer's OS user for logs and the trust store, {@code unknown} when the kernel names none. */
    public String userName() {
        Credentials known = credentials();
        return known == null ? "unknown" : known.user();
    }

    /** The peer's uid, -1 when the kernel names none. */
    public long uid() {
        Credentials known = credentials();
        return known == null ? -1 : known.uid();
    }

    /**
     * "user (uid N)" for an audit line of something already allowed by the certificate: looked
     * up if need be, and never failing (a peer that cannot be named reads as unknown).
     */
    public String auditName() {
        try {
            return describe(credentials());
        } catch (UnknownPeerException e) {
            return "unknown (its connection's client end is gone)";
        }
    }

    /** "user (uid N)" when known already, for a debug line: never looks the user up, never fails. */
    public synchronized String knownName() {
        if (lookup != null) {
            return "a loopback TCP peer (user not looked up)";
        }
        if (failure != null) {
            return "a peer whose user could not be looked up";
        }
        return describe(credentials);
    }

    private static String describe(Credentials credentials) {
        return credentials == null ? "unknown (uid -1)" : credentials.user() + " (uid " + credentials.uid() + ")";
    }

    /**
     * The credentials that may grant rights: those from {@code SO_PEERCRED}, else null. A
     * loopback TCP peer's uid names it but grants nothing, so that TCP gives no power it did
     * not have before the daemon could tell who is calling; it is not looked up for this.
     */
    public Credentials authority() {
        return source == Source.UNIX_SOCKET ? credentials() : null;
    }
}
