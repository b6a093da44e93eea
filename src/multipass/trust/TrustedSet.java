// SPDX-License-Identifier: Apache-2.0
package multipass.trust;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The trusted certificates in memory, for {@link TrustStore} and the replay of its journal:
 * a concurrent map by certificate ({@link CertificateKey}) that lookups read without a lock,
 * the admission order, a count per local user, and an index by fingerprint made the first
 * time something asks for one. The order is the list of entries as they were added, stale ones
 * included (removed, or replaced by a re-admission): an entry is current while the map holds
 * that very object, and the list is rebuilt once stale entries outnumber current ones. So a
 * load is the file's list as read plus one map insertion per entry, and an admission or a
 * removal costs O(1) on average. Thread-safety: {@link #find}, {@link #size} and
 * {@link #countOf} may be called at any time; everything else under the owner's lock.
 */
final class TrustedSet {
    private final ConcurrentHashMap<CertificateKey, TrustEntry> byCertificate;
    private final ConcurrentHashMap<Owner, Integer> perOwner = new ConcurrentHashMap<>();
    private ArrayList<TrustEntry> admissions;
    /** Current entries by fingerprint; null until first needed. */
    private Map<String, TrustEntry> byFingerprint;

    /** The entries of {@code loaded}, in its order (of duplicates the first counts); the set takes the list over. */
    TrustedSet(ArrayList<TrustEntry> loaded) {
        byCertificate = new ConcurrentHashMap<>(Math.max(16, loaded.size() * 4 / 3 + 1));
        Map<Owner, int[]> counts = new HashMap<>(); // plain loops: no lambda to bootstrap while the daemon starts
        for (TrustEntry entry : loaded) {
            if (byCertificate.putIfAbsent(entry.key(), entry) == null) {
                Owner owner = Owner.of(entry.user(), entry.uid());
                int[] count = counts.get(owner);
                if (count == null) {
                    count = new int[1];
                    counts.put(owner, count);
                }
                count[0]++;
            }
        }
        for (Map.Entry<Owner, int[]> count : counts.entrySet()) {
            perOwner.put(count.getKey(), count.getValue()[0]);
        }
        admissions = loaded;
    }

    /** The current entry of {@code key}, or null. */
    TrustEntry find(CertificateKey key) {
        return byCertificate.get(key);
    }

    int size() {
        return byCertificate.size();
    }

    /** How many current entries belong to {@code owner}. */
    int countOf(Owner owner) {
        return perOwner.getOrDefault(owner, 0);
    }

    /** The current entries, in admission order. */
    List<TrustEntry> inOrder() {
        List<TrustEntry> current = new ArrayList<>(byCertificate.size());
        for (TrustEntry entry : admissions) {
            if (byCertificate.get(entry.key()) == entry) {
                current.add(entry);
            }
        }
        return current;
    }

    /** Trusts {@code entry}, replacing an entry of the same certificate (a re-admission goes to the end). */
    void put(TrustEntry entry) {
        TrustEntry old = byCertificate.put(entry.key(), entry);
        if (old == entry) {
            return;
        }
        if (old != null) {
            count(old, -1);
        }
        count(entry, 1);
        admissions.add(entry);
        if (byFingerprint != null) {
            byFingerprint.put(entry.fingerprint(), entry);
        }
        trim();
    }

    /** The current entry whose fingerprint is exactly {@code fingerprint}, or null. */
    TrustEntry withFingerprint(String fingerprint) {
        return byFingerprint().get(fingerprint);
    }

    /** Stops trusting the certificate of {@code fingerprint}; returns its entry, or null when none is current. */
    TrustEntry remove(String fingerprint) {
        TrustEntry gone = byFingerprint().remove(fingerprint);
        if (gone != null) {
            byCertificate.remove(gone.key());
            count(gone, -1);
            trim();
        }
        return gone;
    }

    /** Makes the index by fingerprint now, if it is not made yet (every fingerprint not yet computed is). */
    void indexFingerprints() {
        byFingerprint();
    }

    private Map<String, TrustEntry> byFingerprint() {
        if (byFingerprint == null) {
            Map<String, TrustEntry> index = new HashMap<>(Math.max(16, byCertificate.size() * 4 / 3 + 1));
            byCertificate.values().forEach(entry -> index.put(entry.fingerprint(), entry));
            byFingerprint = index;
        }
        return byFingerprint;
    }

    private void count(TrustEntry entry, int delta) {
        perOwner.compute(Owner.of(entry.user(), entry.uid()), (owner, n) -> {
            int count = (n == null ? 0 : n) + delta;
            return count == 0 ? null : count;
        });
    }

    /** Drops the stale entries from the order once they outnumber the current ones. */
    private void trim() {
        if (admissions.size() > 2 * byCertificate.size() + 16) {
            admissions = new ArrayList<>(inOrder());
        }
    }

    /**
     * Whose certificates are counted together: the uid when known, else the user name (so every
     * client of unknown uid, e.g. over TCP where the kernel cannot say, shares one count). A
     * class rather than a record: a record's {@code hashCode} is bootstrapped at its first call,
     * a cost paid while the daemon starts.
     */
    static final class Owner {
        private final long uid;
        private final String name;

        private Owner(long uid, String name) {
            this.uid = uid;
            this.name = name;
        }

        /** The owner of an entry of {@code user} (uid {@code uid}, -1 when unknown). */
        static Owner of(String user, long uid) {
            return uid >= 0 ? new Owner(uid, null) : new Owner(-1, user);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Owner owner && owner.uid == uid && Objects.equals(owner.name, name);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(uid) * 31 + Objects.hashCode(name);
        }
    }
}
