// SPDX-License-Identifier: Apache-2.0
package multipass.trust;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32;

/**
 * A certificate's exact DER bytes as a hash-map key: how the trust store finds a presented
 * certificate without computing its SHA-256 fingerprint, at load or at lookup. The hash is the
 * CRC-32 of the bytes (native code in the JDK, so 100,000 keys made while the daemon starts
 * cost next to nothing) put through a seeded mix, the seed chosen when the daemon starts. CRC-32
 * is no defence against someone who makes certificates that collide on purpose, so keys are
 * also ordered by their bytes: a crowded bin of a {@code ConcurrentHashMap} becomes a tree, and a
 * lookup stays O(log n) at worst, never O(n). Equality is exact bytes, compared in constant
 * time. Immutable: nobody changes the bytes once they are a key.
 */
final class CertificateKey implements Comparable<CertificateKey> {
    private static final int SEED = ThreadLocalRandom.current().nextInt();

    private final byte[] der;
    private final int hash;

    /** The key of {@code der}, which the caller never changes afterwards. */
    CertificateKey(byte[] der) {
        this.der = der;
        this.hash = hash(der);
    }

    /** The bytes themselves (not a copy). */
    byte[] der() {
        return der;
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CertificateKey key && key.hash == hash && MessageDigest.isEqual(key.der, der);
    }

    @Override
    public int compareTo(CertificateKey other) {
        return Arrays.compare(der, other.der);
    }

    /**
     * CRC-32 of the bytes (native code, fast even before the JIT has compiled anything, which
     * matters when 100,000 keys are made at start), then a seeded finalising mix.
     */
    private static int hash(byte[] der) {
        CRC32 crc = new CRC32();
        crc.update(der, 0, der.length);
        int h = (int) crc.getValue() ^ SEED;
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        return h;
    }
}
