// SPDX-License-Identifier: Apache-2.0
package multipass.trust;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * One trusted client certificate with what is known of its admission: the OS user and uid
 * that presented it ({@code unknown}/-1 when not known, e.g. over TCP), how and when.
 * Immutable; equality of certificates is by exact DER bytes.
 */
public record TrustEntry(byte[] der, String user, long uid, AdmissionMethod method, Instant admitted) {
    private static final HexFormat HEX = HexFormat.of();
    /** One digest per thread: {@code MessageDigest.getInstance} looks the provider up each time, a cost at 100,000 entries. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is a mandatory JDK algorithm", e);
        }
    });

    public TrustEntry {
        der = der.clone();
    }

    @Override
    public byte[] der() {
        return der.clone();
    }

    /** Lower-case hex SHA-256 of the DER bytes, as LXD and Incus show fingerprints. */
    public String fingerprint() {
        return fingerprint(der);
    }

    /** Lower-case hex SHA-256 of {@code der}. */
    public static String fingerprint(byte[] der) {
        return HEX.formatHex(SHA256.get().digest(der));
    }

    /** True when this entry holds exactly {@code candidate} (constant-time compare). */
    public boolean matches(byte[] candidate) {
        return MessageDigest.isEqual(der, candidate);
    }
}
