// SPDX-License-Identifier: Apache-2.0
package multipass.trust;

import multipass.util.Compaction;
import multipass.util.PrivateDirectories;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

/**
 * The trusted client certificates: the main file {@code authenticated-certs/multipass_client_certs.pem}
 * in the data dir, a concatenation of PEM certificates that Multipass can read ({@link StoreFile}),
 * and beside it a journal of the changes made since that file was last written
 * ({@link TrustJournal}). A change is appended to the journal and forced to disk before the
 * in-memory set changes and before the caller is answered, so an admission or a removal costs
 * one small append however many entries there are, and no acknowledged change is lost at any
 * kill point. When the journal grows past half the main file, the main file is rewritten whole
 * (write, fsync, rename) and the journal deleted: the rewrite costs O(n), once every O(n)
 * changes. {@link #close()} does the same, so a daemon that stopped cleanly leaves a complete
 * main file and no journal.
 *
 * <p>Lookups by certificate hash it (SHA-256, the fingerprint), find the entry in a hash map,
 * and confirm the exact DER bytes in constant time. Thread-safe: mutations are serialised on
 * the store; {@link #find} reads a concurrent map without locking.
 */
public final class TrustStore implements Closeable {
    /** The store's file, relative to the data dir. */
    public static final Path RELATIVE_PATH = Path.of("authenticated-certs", "multipass_client_certs.pem");
    /** The journal of changes not yet in {@link #RELATIVE_PATH}, relative to the data dir. */
    public static final Path JOURNAL_RELATIVE_PATH = Path.of("authenticated-certs", "multipass_client_certs.journal");

    private final Path file;
    private final TrustJournal journal;
    /** Every entry by fingerprint, for lookups without the lock. */
    private final Map<String, TrustEntry> byFingerprint;
    /** The same entries in admission order; guarded by this. */
    private final LinkedHashMap<String, TrustEntry> ordered;
    /** How many entries each local user has ({@link #userKey}); guarded by this. */
    private final Map<String, Integer> perUser = new ConcurrentHashMap<>();
    /** Folds the journal into the main file; guarded by this. */
    private final Compaction compaction;

    private TrustStore(Path file, TrustJournal journal, LinkedHashMap<String, TrustEntry> ordered) throws IOException {
        this.file = file;
        this.journal = journal;
        this.ordered = ordered;
        this.byFingerprint = new ConcurrentHashMap<>(ordered);
        this.compaction = new Compaction("the trust store", file, journal.log(), () -> StoreFile.write(file, ordered.values()));
        ordered.values().forEach(entry -> perUser.merge(userKey(entry.user(), entry.uid()), 1, Integer::sum));
    }

    /**
     * Opens (or starts empty) the store in {@code dataDir}: the main file, then the journal's
     * changes on top. A corrupt file is an error, never silently dropped. Reading writes nothing,
     * so a store may be opened to look at while the daemon runs
     * (but not closed: {@link #close} compacts, which only the daemon's own store may do).
     */
    public static TrustStore open(Path dataDir) throws IOException, TrustStoreException {
        Path file = dataDir.resolve(RELATIVE_PATH);
        Path dir = file.getParent();
        if (!Files.isDirectory(dir)) {
            PrivateDirectories.createAll(dir);
        }
        List<TrustEntry> read = new ArrayList<>();
        StoreFile.read(file, read::add);
        String[] fingerprints = fingerprints(read);
        LinkedHashMap<String, TrustEntry> entries = new LinkedHashMap<>(Math.max(16, read.size() * 4 / 3 + 1));
        for (int i = 0; i < fingerprints.length; i++) {
            entries.putIfAbsent(fingerprints[i], read.get(i));
        }
        TrustJournal journal = TrustJournal.replay(dataDir.resolve(JOURNAL_RELATIVE_PATH), entries);
        return new TrustStore(file, journal, entries);
    }

    /**
     * The fingerprints of {@code entries}, in order, hashed on every core: at 100,000 entries
     * SHA-256 is about half of what a start spends on the store.
     */
    private static String[] fingerprints(List<TrustEntry> entries) {
        String[] fingerprints = new String[entries.size()];
        IntStream.range(0, fingerprints.length).parallel().forEach(i -> fingerprints[i] = entries.get(i).fingerprint());
        return fingerprints;
    }

    /** The store's path. */
    public Path file() {
        return file;
    }

    /** A snapshot of the entries, in admission order. */
    public synchronized List<TrustEntry> entries() {
        return List.copyOf(ordered.values());
    }

    /** How many certificates are trusted. */
    public int size() {
        return byFingerprint.size();
    }

    /** True when no certificate is trusted. */
    public boolean isEmpty() {
        return byFingerprint.isEmpty();
    }

    /** The entry holding exactly {@code der}, if any. */
    public Optional<TrustEntry> find(byte[] der) {
        if (der == null) {
            return Optional.empty();
        }
        TrustEntry entry = byFingerprint.get(TrustEntry.fingerprint(der));
        return entry != null && entry.matches(der) ? Optional.of(entry) : Optional.empty();
    }

    /** The entries whose fingerprint starts with {@code prefix} (lower-case hex), in admission order. */
    public synchronized List<TrustEntry> withFingerprintPrefix(String prefix) {
        TrustEntry exact = byFingerprint.get(prefix);
        if (exact != null) {
            return List.of(exact);
        }
        List<TrustEntry> matches = new ArrayList<>();
        ordered.forEach((fingerprint, entry) -> {
            if (fingerprint.startsWith(prefix)) {
                matches.add(entry);
            }
        });
        return matches;
    }

    /** How many certificates the local user {@code user} (uid {@code uid}, -1 when unknown) has; see {@link #userKey}. */
    public int countOf(String user, long uid) {
        return perUser.getOrDefault(userKey(user, uid), 0);
    }

    /** Adds {@code entry} unless its certificate is already trusted; true when added (and persisted). */
    public synchronized boolean add(TrustEntry entry) throws IOException {
        return admit(entry, Integer.MAX_VALUE).outcome() == Admission.Outcome.ADDED;
    }

    /**
     * Adds {@code entry} unless its certificate is already trusted or its user already has
     * {@code maxPerUser} entries: the check and the add are one step, so concurrent admissions
     * of one user cannot pass the cap together.
     */
    public synchronized Admission admit(TrustEntry entry, int maxPerUser) throws IOException {
        String fingerprint = entry.fingerprint();
        if (byFingerprint.containsKey(fingerprint)) {
            return new Admission(Admission.Outcome.ALREADY_TRUSTED, countOf(entry.user(), entry.uid()));
        }
        int count = countOf(entry.user(), entry.uid());
        if (count >= maxPerUser) {
            return new Admission(Admission.Outcome.OVER_CAP, count);
        }
        journal.added(entry);
        ordered.put(fingerprint, entry);
        byFingerprint.put(fingerprint, entry);
        perUser.merge(userKey(entry.user(), entry.uid()), 1, Integer::sum);
        compaction.ifDue();
        return new Admission(Admission.Outcome.ADDED, count + 1);
    }

    /** Adds {@code entry} only if the store is empty: the atomic check-and-add of first-client acceptance. */
    public synchronized boolean addIfEmpty(TrustEntry entry) throws IOException {
        return isEmpty() && add(entry);
    }

    /** Removes the entries with these fingerprints; returns how many went. */
    public synchronized int remove(List<String> fingerprints) throws IOException {
        List<String> present = fingerprints.stream().distinct().filter(byFingerprint::containsKey).toList();
        if (present.isEmpty()) {
            return 0;
        }
        journal.removed(present);
        for (String fingerprint : present) {
            TrustEntry gone = ordered.remove(fingerprint);
            byFingerprint.remove(fingerprint);
            perUser.computeIfPresent(userKey(gone.user(), gone.uid()), (k, n) -> n > 1 ? n - 1 : null);
        }
        compaction.ifDue();
        return present.size();
    }

    /** Writes the whole store to the main file and deletes the journal, if the journal holds any change. */
    public synchronized void compact() throws IOException {
        compaction.now();
    }

    /** Compacts, so that the main file is complete and Multipass-readable once the daemon has stopped. */
    @Override
    public void close() throws IOException {
        compact();
    }

    /**
     * Whose certificates are counted together: the uid when known, else the user name (so every
     * client of unknown uid, e.g. over TCP where the kernel cannot say, shares one count).
     */
    static String userKey(String user, long uid) {
        return uid >= 0 ? "uid:" + uid : "user:" + user;
    }

    /**
     * What {@link #admit} did, and how many entries the entry's user has now.
     *
     * @param outcome   added, already trusted (nothing written), or refused by the cap
     * @param userCount the user's entries after the call
     */
    public record Admission(Outcome outcome, int userCount) {
        /** What happened to the candidate entry. */
        public enum Outcome { ADDED, ALREADY_TRUSTED, OVER_CAP }
    }

    /** A store file that cannot be read; the daemon refuses to start rather than lose entries. */
    public static final class TrustStoreException extends Exception {
        private static final long serialVersionUID = 1L;

        TrustStoreException(String message) {
            super(message);
        }

        TrustStoreException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
