// SPDX-License-Identifier: Apache-2.0
package multipass.auth;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * Passphrase hashing with PBKDF2-HMAC-SHA256 (RFC 8018), a 16-byte random salt per hash and a
 * 32-byte output, stored self-described as {@code pbkdf2-sha256$<iterations>$<salt>$<hash>}
 * (base64) so the cost can be raised later without breaking old hashes. Verification
 * recomputes with the stored parameters and compares in constant time. Thread-safe.
 */
public final class PassphraseHash {
    /** The OWASP 2023 floor for PBKDF2-HMAC-SHA256. */
    public static final int DEFAULT_ITERATIONS = 600_000;
    static final String SCHEME = "pbkdf2-sha256";
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final int MAX_ITERATIONS = 100_000_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private PassphraseHash() {
    }

    /** A new salted hash of {@code passphrase}. */
    public static String hash(char[] passphrase) {
        return hash(passphrase, DEFAULT_ITERATIONS);
    }

    static String hash(char[] passphrase, int iterations) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return SCHEME + "$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(derive(passphrase, salt, iterations, HASH_BYTES));
    }

    /** A stored hash that cannot be read: not in the scheme's form, a malformed field, or out-of-range parameters. */
    public static final class MalformedHashException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        MalformedHashException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** True when {@code passphrase} matches {@code stored}; a malformed {@code stored} is a {@link MalformedHashException}, not a mismatch. */
    public static boolean verify(char[] passphrase, String stored) {
        String[] parts = stored.split("\\$", -1);
        if (parts.length != 4 || !parts[0].equals(SCHEME)) {
            throw new MalformedHashException("stored passphrase hash is not in the form " + SCHEME + "$<iterations>$<salt>$<hash>", null);
        }
        int iterations;
        byte[] salt;
        byte[] expected;
        try {
            iterations = Integer.parseInt(parts[1]);
            salt = Base64.getDecoder().decode(parts[2]);
            expected = Base64.getDecoder().decode(parts[3]);
        } catch (IllegalArgumentException e) {
            throw new MalformedHashException("stored passphrase hash has a malformed field", e);
        }
        if (iterations < 1 || iterations > MAX_ITERATIONS || salt.length == 0 || expected.length == 0) {
            throw new MalformedHashException("stored passphrase hash has out-of-range parameters", null);
        }
        return MessageDigest.isEqual(derive(passphrase, salt, iterations, expected.length), expected);
    }

    private static byte[] derive(char[] passphrase, byte[] salt, int iterations, int bytes) {
        PBEKeySpec spec = new PBEKeySpec(passphrase, salt, iterations, bytes * 8);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is a mandatory JDK algorithm", e);
        } finally {
            spec.clearPassword();
        }
    }

    /** Overwrites a passphrase buffer once it is no longer needed. */
    public static void wipe(char[] passphrase) {
        Arrays.fill(passphrase, '\0');
    }
}
