// SPDX-License-Identifier: Apache-2.0
package multipass.trust;

import multipass.util.Compaction;
import multipass.util.PrivateDirectories;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

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
 * <p>Lookups by certificate find it by its exact DER bytes ({@link CertificateKey}: a cheap hash,
 * then a constant-time compare), so neither a load nor an authentication computes a SHA-256.
 * Fingerprints, which only {@code trust list} and {@code trust remove} use, are computed when
 * first asked for, or beforehand by {@link #indexFingerprintsInBackground()} once the daemon is
 * listening; lookups by a whole fingerprint then read a map. Thread-safe: mutations are
 * serialised on the store; {@link #find} reads a concurrent map without locking.
 */
public final class TrustStore implements Closeable {
    /** The store's file, relative to the data dir. */
    public static final Path RELATIVE_PATH = Path.of("authenticated-certs", "multipass_client_certs.pem");
    /** The journal of changes not yet in {@link #RELATIVE_PATH}, relative to the data dir. */
    public static final Path JOURNAL_RELATIVE_PATH = Path.of("authenticated-certs", "multipass_client_certs.journal");

    private static final System.Logger LOG = System.getLogger(TrustStore.class.getName());

    private final Path file;
    private final TrustJournal journal;
    /** The entries; lookups read it without the lock, changes are made under it. */
    private final TrustedSet entries;
    /** Folds the journal into the main file; guarded by this. */
    private final Compaction compaction;

    private TrustStore(Path file, TrustJournal journal, TrustedSet entries) throws IOException {
        this.file = file;
        this.journal = journal;
        this.entries = entries;
        this.compaction = new Compaction("the trust store", file, journal.log(), () -> StoreFile.write(file, entries.inOrder()));
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
        TrustedSet entries = new TrustedSet(StoreFile.read(file));
        TrustJournal journal = TrustJournal.replay(dataDir.resolve(JOURNAL_RELATIVE_PATH), entries);
        return new TrustStore(file, journal, entries);
    }

    /**
     * Starts {@link #open} on a thread of its own, so that a daemon can read the rest of its
     * data dir meanwhile (at 100,000 entries the store is most of a start);
     * {@link Opening#store()} waits for it. If the caller gives up before asking, the thread
     * still finishes reading and its store is dropped (it writes nothing but, when missing, the
     * store's private directory).
     */
    public static Opening openInBackground(Path dataDir) {
        FutureTask<TrustStore> task = new FutureTask<>(() -> open(dataDir));
        Thread thread = new Thread(task, "trust-store-load");
        thread.setDaemon(true);
        thread.start();
        return new Opening(task);
    }

    /** A store being opened by {@link #openInBackground}. */
    public static final class Opening {
        private final FutureTask<TrustStore> task;

        private Opening(FutureTask<TrustStore> task) {
            this.task = task;
        }

        /** The store once it is open; throws what {@link #open} threw. */
        public TrustStore store() throws IOException, TrustStoreException {
            try {
                return task.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while the trust store was being read");
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof IOException io) {
                    throw io;
                }
                if (cause instanceof TrustStoreException corrupt) {
                    throw corrupt;
                }
                if (cause instanceof RuntimeException runtime) {
                    throw runtime;
                }
                if (cause instanceof Error error) {
                    throw error;
                }
                throw new IllegalStateException("opening the trust store failed", cause);
            }
        }
    }

    /**
     * Computes every entry's fingerprint and the index by fingerprint on a thread of its own,
     * so that the first {@code trust list} or {@code trust remove} does not wait for 100,000
     * SHA-256s; the daemon calls it once it is listening. Nothing waits for it: whoever needs
     * the index first builds what is missing under the store's lock.
     */
    public void indexFingerprintsInBackground() {
        Thread thread = new Thread(() -> {
            entries().forEach(TrustEntry::fingerprint); // outside the lock: the slow part
            synchronized (this) {
                entries.indexFingerprints();
            }
            LOG.log(System.Logger.Level.DEBUG, "fingerprints of the trust store indexed");
        }, "trust-fingerprints");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        thread.start();
    }

    /** The store's path. */
    public Path file() {
        return file;
    }

    /** A snapshot of the entries, in admission order. */
    public synchronized List<TrustEntry> entries() {
        return Collections.unmodifiableList(entries.inOrder());
    }

    /** How many certificates are trusted. */
    public int size() {
        return entries.size();
    }

    /** True when no certificate is trusted. */
    public boolean isEmpty() {
        return entries.size() == 0;
    }

    /** The entry holding exactly {@code der}, if any. */
    public Optional<TrustEntry> find(byte[] der) {
        if (der == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(entries.find(new CertificateKey(der)));
    }

    /** The entries whose fingerprint starts with {@code prefix} (lower-case hex), in admission order. */
    public synchronized List<TrustEntry> withFingerprintPrefix(String prefix) {
        TrustEntry exact = entries.withFingerprint(prefix);
        if (exact != null) {
            return List.of(exact);
        }
        List<TrustEntry> matches = new ArrayList<>();
        for (TrustEntry entry : entries.inOrder()) {
            if (entry.fingerprint().startsWith(prefix)) {
                matches.add(entry);
            }
        }
        return matches;
    }

    /** How many certificates the local user {@code user} (uid {@code uid}, -1 when unknown) has; see {@link TrustedSet.Owner}. */
    public int countOf(String user, long uid) {
        return entries.countOf(TrustedSet.Owner.of(user, uid));
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
        if (entries.find(entry.key()) != null) {
            return new Admission(Admission.Outcome.ALREADY_TRUSTED, countOf(entry.user(), entry.uid()));
        }
        int count = countOf(entry.user(), entry.uid());
        if (count >= maxPerUser) {
            return new Admission(Admission.Outcome.OVER_CAP, count);
        }
        journal.added(entry);
        entries.put(entry);
        compaction.ifDue();
        return new Admission(Admission.Outcome.ADDED, count + 1);
    }

    /** Adds {@code entry} only if the store is empty: the atomic check-and-add of first-client acceptance. */
    public synchronized boolean addIfEmpty(TrustEntry entry) throws IOException {
        return isEmpty() && add(entry);
    }

    /** Removes the entries with these fingerprints; returns how many went. */
    public synchronized int remove(List<String> fingerprints) throws IOException {
        List<String> present = fingerprints.stream().distinct().filter(fingerprint -> entries.withFingerprint(fingerprint) != null).toList();
        if (present.isEmpty()) {
            return 0;
        }
        journal.removed(present);
        present.forEach(entries::remove);
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
