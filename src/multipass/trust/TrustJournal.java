// SPDX-License-Identifier: Apache-2.0
package multipass.trust;

import multipass.trust.TrustStore.TrustStoreException;
import multipass.util.AppendLog;
import multipass.util.AtomicFile;

import java.io.IOException;
import java.nio.file.Path;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The trust store's journal, {@code multipass_client_certs.journal}: the changes made since the
 * main file was last written, one {@link AppendLog} record each:
 *
 * <pre>
 * multipass-trust-journal 1
 * + user=alice uid=1000 method=passphrase admitted=2026-11-26T15:00:00Z der=MIIBkTCCATeg... 5d1c0a7e
 * - 3b1f...e9 77aa...01 9c03d2f4
 * </pre>
 *
 * {@code +} trusts a certificate (DER in base64, metadata as in the main file), {@code -} stops
 * trusting the certificates of these fingerprints. Replaying puts and removes by fingerprint,
 * so replaying a journal over a main file that already holds its changes (a crash between the
 * rewrite of the main file and the deletion of the journal) changes nothing. Not thread-safe:
 * the store serialises its use.
 */
final class TrustJournal {
    static final String HEADER = "multipass-trust-journal 1";

    private final AppendLog log;

    private TrustJournal(AppendLog log) {
        this.log = log;
    }

    /** Reads {@code file} (absent: empty) and applies its changes to {@code entries}, by certificate. */
    static TrustJournal replay(Path file, TrustedSet entries) throws IOException, TrustStoreException {
        Map<String, String> users = new HashMap<>(); // one String per user name, however many entries it has
        try {
            return new TrustJournal(AppendLog.read(file, HEADER, AtomicFile.OWNER_ONLY, (line, payload) -> apply(file, line, payload, entries, users)));
        } catch (AppendLog.CorruptLogException e) {
            throw new TrustStoreException(e.getMessage(), e);
        }
    }

    /** Records that {@code entry} is trusted, durably. */
    void added(TrustEntry entry) throws IOException {
        log.append("+ " + StoreFile.fields(entry) + " der=" + Base64.getEncoder().encodeToString(entry.der()));
    }

    /** Records that these fingerprints are no longer trusted, durably, as one change. */
    void removed(List<String> fingerprints) throws IOException {
        log.append("- " + String.join(" ", fingerprints));
    }

    /** The journal's file, for {@link multipass.util.Compaction}. */
    AppendLog log() {
        return log;
    }

    private static void apply(Path file, int line, String payload, TrustedSet entries, Map<String, String> users)
            throws AppendLog.CorruptLogException {
        try {
            if (payload.startsWith("+ ")) {
                int der = payload.lastIndexOf(" der=");
                if (der < 0) {
                    throw new IllegalArgumentException("no der= field");
                }
                byte[] bytes = Base64.getDecoder().decode(payload.substring(der + 5));
                Der.requireCertificate(bytes, "the record");
                entries.put(StoreFile.entry(bytes, payload.substring(2, der), users)); // a re-admission goes to the end
            } else if (payload.startsWith("- ")) {
                for (String fingerprint : payload.substring(2).split(" ")) {
                    entries.remove(fingerprint);
                }
            } else {
                throw new IllegalArgumentException("unknown change '" + payload.substring(0, Math.min(8, payload.length())) + "'");
            }
        } catch (IllegalArgumentException | DateTimeParseException | TrustStoreException e) {
            throw new AppendLog.CorruptLogException(file + " line " + line + ": an intact record that does not parse (" + e.getMessage()
                    + "); was the file edited? Restore it or move it aside, losing the changes it holds");
        }
    }

}
