// SPDX-License-Identifier: Apache-2.0
package multipass.trust;

import multipass.util.AtomicFile;
import multipass.util.Pem;
import multipass.util.PrivateDirectories;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The trusted client certificates: {@code authenticated-certs/multipass_client_certs.pem} in
 * the data dir, a concatenation of PEM certificates as Multipass writes it. Our metadata for
 * each entry rides in one line of RFC 7468 explanatory text just above its block, which
 * Multipass's parser skips:
 *
 * <pre>
 * # multipass-trust: user=alice uid=1000 method=passphrase admitted=2026-11-26T15:00:00Z
 * -----BEGIN CERTIFICATE-----
 * </pre>
 *
 * A block without that line (added by hand, or by Multipass) is trusted with method
 * {@code manual}. Every change is written to a new file that replaces the old one atomically
 * before the in-memory set changes, so an acknowledged change survives a crash. Thread-safe:
 * mutations are serialised on the store, lookups read an immutable snapshot.
 */
public final class TrustStore {
    /** The store's file, relative to the data dir. */
    public static final Path RELATIVE_PATH = Path.of("authenticated-certs", "multipass_client_certs.pem");
    static final String METADATA_PREFIX = "# multipass-trust:";

    private final Path file;
    private volatile List<TrustEntry> entries;

    private TrustStore(Path file, List<TrustEntry> entries) {
        this.file = file;
        this.entries = List.copyOf(entries);
    }

    /** Opens (or starts empty) the store in {@code dataDir}; a corrupt file is an error, never silently dropped. */
    public static TrustStore open(Path dataDir) throws IOException, TrustStoreException {
        Path file = dataDir.resolve(RELATIVE_PATH);
        Path dir = file.getParent();
        if (!Files.isDirectory(dir)) {
            PrivateDirectories.createAll(dir);
        }
        if (!Files.exists(file)) {
            return new TrustStore(file, List.of());
        }
        // PEM is ASCII; hand-written comments between blocks may not be, and need not decode exactly.
        return new TrustStore(file, parse(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1), file));
    }

    /** The store's path. */
    public Path file() {
        return file;
    }

    /** A snapshot of the entries, in admission order. */
    public List<TrustEntry> entries() {
        return entries;
    }

    /** True when no certificate is trusted. */
    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The entry holding exactly {@code der}, if any. */
    public Optional<TrustEntry> find(byte[] der) {
        if (der == null) {
            return Optional.empty();
        }
        for (TrustEntry entry : entries) {
            if (entry.matches(der)) {
                return Optional.of(entry);
            }
        }
        return Optional.empty();
    }

    /** Adds {@code entry} unless its certificate is already trusted; true when added (and persisted). */
    public synchronized boolean add(TrustEntry entry) throws IOException {
        if (find(entry.der()).isPresent()) {
            return false;
        }
        List<TrustEntry> updated = new ArrayList<>(entries);
        updated.add(entry);
        replace(updated);
        return true;
    }

    /** Adds {@code entry} only if the store is empty: the atomic check-and-add of first-client acceptance. */
    public synchronized boolean addIfEmpty(TrustEntry entry) throws IOException {
        if (!entries.isEmpty()) {
            return false;
        }
        replace(List.of(entry));
        return true;
    }

    /** Removes the entries with these fingerprints; returns how many went. */
    public synchronized int remove(List<String> fingerprints) throws IOException {
        List<TrustEntry> updated = entries.stream().filter(e -> !fingerprints.contains(e.fingerprint())).toList();
        int removed = entries.size() - updated.size();
        if (removed > 0) {
            replace(updated);
        }
        return removed;
    }

    private void replace(List<TrustEntry> updated) throws IOException {
        AtomicFile.write(file, format(updated).getBytes(StandardCharsets.US_ASCII), AtomicFile.OWNER_ONLY);
        entries = List.copyOf(updated);
    }

    static String format(List<TrustEntry> entries) {
        StringBuilder text = new StringBuilder();
        for (TrustEntry entry : entries) {
            if (entry.method() != AdmissionMethod.MANUAL) {
                text.append(METADATA_PREFIX)
                        .append(" user=").append(entry.user())
                        .append(" uid=").append(entry.uid())
                        .append(" method=").append(entry.method().label())
                        .append(" admitted=").append(entry.admitted())
                        .append('\n');
            }
            text.append(Pem.encode(Pem.CERTIFICATE, entry.der()));
        }
        return text.toString();
    }

    static List<TrustEntry> parse(String text, Path file) throws TrustStoreException {
        List<TrustEntry> entries = new ArrayList<>();
        try {
            for (Pem.Block block : Pem.decode(text)) {
                if (!block.label().equals(Pem.CERTIFICATE)) {
                    throw new TrustStoreException(file + " line " + block.line() + ": unexpected " + block.label() + " block; the store holds only certificates");
                }
                Pem.certificate(block.der());
                entries.add(entry(block, file));
            }
        } catch (Pem.PemException e) {
            throw new TrustStoreException(file + ": " + e.getMessage(), e);
        } catch (CertificateException e) {
            throw new TrustStoreException(file + ": a block is not a valid certificate: " + e.getMessage(), e);
        }
        return entries;
    }

    private static TrustEntry entry(Pem.Block block, Path file) throws TrustStoreException {
        List<String> preamble = block.preamble();
        String metadata = preamble.isEmpty() ? "" : preamble.get(preamble.size() - 1);
        if (!metadata.startsWith(METADATA_PREFIX)) {
            return new TrustEntry(block.der(), "unknown", -1, AdmissionMethod.MANUAL, Instant.EPOCH);
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : metadata.substring(METADATA_PREFIX.length()).trim().split("\\s+")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                fields.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        try {
            return new TrustEntry(block.der(), fields.getOrDefault("user", "unknown"), Long.parseLong(fields.getOrDefault("uid", "-1")),
                    AdmissionMethod.parse(fields.getOrDefault("method", "manual")), Instant.parse(fields.getOrDefault("admitted", Instant.EPOCH.toString())));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new TrustStoreException(file + " line " + (block.line() - 1) + ": bad metadata line: " + e.getMessage(), e);
        }
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
