// SPDX-License-Identifier: Apache-2.0
package multipass.trust;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * One trusted client certificate with what is known of its admission: the OS user and uid
 * that presented it ({@code unknown}/-1 when not known, e.g. over TCP), how and when.
 * Immutable; equality of certificates is by exact DER bytes ({@link #key()}). Kept compact,
 * since the store holds one per trusted certificate: the DER bytes, the metadata as
 * primitives, and the SHA-256 fingerprint only once something has asked for it (an
 * authentication never needs it: the store finds a certificate by its {@link CertificateKey}).
 * Thread-safe: the cached fingerprint is an immutable string, computed again at worst.
 */
public final class TrustEntry {
    private static final HexFormat HEX = HexFormat.of();
    /** One digest per thread: {@code MessageDigest.getInstance} looks the provider up each time, a cost at 100,000 entries. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is a mandatory JDK algorithm", e);
        }
    });

    private final CertificateKey key;
    private final String user;
    private final long uid;
    private final AdmissionMethod method;
    private final long admittedSecond;
    private final int admittedNano;
    /** {@link #fingerprint()} once computed; a benign race (every thread computes the same string). */
    private String fingerprint;

    /** An entry of a copy of {@code der}. */
    public TrustEntry(byte[] der, String user, long uid, AdmissionMethod method, Instant admitted) {
        this(der.clone(), user, uid, method, admitted.getEpochSecond(), admitted.getNano());
    }

    /** An entry that keeps {@code der} itself: the caller hands it over and never changes it. */
    TrustEntry(byte[] der, String user, long uid, AdmissionMethod method, long admittedSecond, int admittedNano) {
        this.key = new CertificateKey(der);
        this.user = user;
        this.uid = uid;
        this.method = method;
        this.admittedSecond = admittedSecond;
        this.admittedNano = admittedNano;
    }

    /** A copy of the certificate's DER bytes. */
    public byte[] der() {
        return key.der().clone();
    }

    /** The OS user that presented the certificate, or {@code unknown}. */
    public String user() {
        return user;
    }

    /** That user's uid, or -1 when not known. */
    public long uid() {
        return uid;
    }

    /** How the certificate came to be trusted. */
    public AdmissionMethod method() {
        return method;
    }

    /** When ({@link Instant#EPOCH} for a block added by hand). */
    public Instant admitted() {
        return Instant.ofEpochSecond(admittedSecond, admittedNano);
    }

    /** The certificate as the store's index knows it. */
    CertificateKey key() {
        return key;
    }

    /** Lower-case hex SHA-256 of the DER bytes, as LXD and Incus show fingerprints. */
    public String fingerprint() {
        String known = fingerprint;
        if (known == null) {
            known = fingerprint(key.der());
            fingerprint = known;
        }
        return known;
    }

    /** Lower-case hex SHA-256 of {@code der}. */
    public static String fingerprint(byte[] der) {
        return HEX.formatHex(SHA256.get().digest(der));
    }

    /** True when this entry holds exactly {@code candidate} (constant-time compare). */
    public boolean matches(byte[] candidate) {
        return MessageDigest.isEqual(key.der(), candidate);
    }

    @Override
    public String toString() {
        return "TrustEntry[" + fingerprint() + ", user=" + user + ", uid=" + uid + ", method=" + method.label() + ", admitted=" + admitted() + "]";
    }
}
