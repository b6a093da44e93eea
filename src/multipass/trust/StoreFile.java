// SPDX-License-Identifier: Apache-2.0
package multipass.trust;

import multipass.trust.TrustStore.TrustStoreException;
import multipass.util.AtomicFile;
import multipass.util.Pem;
import multipass.util.PemReader;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The trust store's main file, {@code multipass_client_certs.pem}: a concatenation of PEM
 * certificates as Multipass writes and reads it, our metadata for each entry in one line of
 * RFC 7468 explanatory text just above its block, which Multipass's parser skips:
 *
 * <pre>
 * # multipass-trust: user=alice uid=1000 method=passphrase admitted=2026-11-26T15:00:00Z
 * -----BEGIN CERTIFICATE-----
 * </pre>
 *
 * A block without that line (added by hand, or by Multipass) is an entry with method
 * {@code manual}. Reading streams the file block by block and checks each block's DER
 * structure (a SEQUENCE of TBSCertificate, algorithm and signature, {@link Der}) instead of
 * parsing it as an X.509 certificate: the daemon only ever compares exact bytes, and a full
 * parse of 100,000 certificates would cost seconds at every start. Stateless.
 */
final class StoreFile {
    static final String METADATA_PREFIX = "# multipass-trust:";

    private StoreFile() {
    }

    /**
     * The entries of {@code file} in file order; an absent file has none. A file in the usual
     * form goes through {@link StoreScanner}; any other (or a damaged one) through the general
     * PEM reader, which names the file and line of what is wrong.
     */
    static ArrayList<TrustEntry> read(Path file) throws IOException, TrustStoreException {
        try (FileChannel channel = FileChannel.open(file)) {
            ArrayList<TrustEntry> entries = StoreScanner.scan(channel, 0, channel.size());
            if (entries != null) {
                return entries;
            }
        } catch (NoSuchFileException e) {
            return new ArrayList<>(); // no store yet: nothing trusted
        }
        ArrayList<TrustEntry> entries = new ArrayList<>();
        readBlocks(file, entries::add);
        return entries;
    }

    /** Passes each entry of {@code file} to {@code sink} in file order, through the general PEM reader. */
    static void readBlocks(Path file, Consumer<TrustEntry> sink) throws IOException, TrustStoreException {
        Map<String, String> users = new HashMap<>(); // one String per user name, however many entries it has
        // PEM is ASCII; hand-written comments between blocks may not be, and need not decode exactly.
        try (InputStream in = Files.newInputStream(file)) {
            PemReader reader = new PemReader(in, StandardCharsets.ISO_8859_1);
            for (Pem.Block block = reader.next(); block != null; block = reader.next()) {
                if (!block.label().equals(Pem.CERTIFICATE)) {
                    throw new TrustStoreException(file + " line " + block.line() + ": unexpected " + block.label()
                            + " block; the store holds only certificates");
                }
                Der.requireCertificate(block.der(), file + " line " + block.line());
                sink.accept(entry(block, file, users));
            }
        } catch (Pem.PemException e) {
            throw new TrustStoreException(file + ": " + e.getMessage(), e);
        }
    }

    /** Replaces {@code file} with {@code entries}, durably and atomically, streaming them out. */
    static void write(Path file, Collection<TrustEntry> entries) throws IOException {
        AtomicFile.write(file, AtomicFile.OWNER_ONLY, out -> {
            Writer text = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.US_ASCII), 1 << 16);
            for (TrustEntry entry : entries) {
                if (entry.method() != AdmissionMethod.MANUAL) {
                    text.write(METADATA_PREFIX + " " + fields(entry) + "\n");
                }
                text.write(Pem.encode(Pem.CERTIFICATE, entry.key().der())); // the entry's own bytes: no copy per entry
            }
            text.flush();
        });
    }

    /** The metadata of {@code entry} as {@code user=... uid=... method=... admitted=...}. */
    static String fields(TrustEntry entry) {
        return "user=" + entry.user() + " uid=" + entry.uid() + " method=" + entry.method().label() + " admitted=" + entry.admitted();
    }

    /**
     * The entry of {@code der} with the metadata {@code pairs} (space-separated {@code key=value};
     * missing keys take their defaults, unknown ones are ignored); {@code users} shares equal user
     * names. Hand-written rather than regular expressions and maps: it runs once per entry at
     * every start.
     */
    static TrustEntry entry(byte[] der, String pairs, Map<String, String> users) {
        String user = "unknown";
        long uid = -1;
        AdmissionMethod method = AdmissionMethod.MANUAL;
        Instant admitted = Instant.EPOCH;
        int at = 0;
        while (at < pairs.length()) {
            int end = pairs.indexOf(' ', at);
            end = end < 0 ? pairs.length() : end;
            int eq = pairs.indexOf('=', at);
            if (eq > at && eq < end) {
                String value = pairs.substring(eq + 1, end);
                switch (pairs.substring(at, eq)) {
                    case "user" -> user = users.computeIfAbsent(value, name -> name);
                    case "uid" -> uid = Long.parseLong(value);
                    case "method" -> method = AdmissionMethod.parse(value);
                    case "admitted" -> admitted = instant(value);
                    default -> { } // a field of a later version: kept out, not an error
                }
            }
            at = end + 1;
        }
        return new TrustEntry(der, user, uid, method, admitted.getEpochSecond(), admitted.getNano());
    }

    /** Parses an instant; {@code yyyy-MM-ddTHH:mm:ssZ}, as this store writes it, without the general parser. */
    static Instant instant(String text) {
        if (text.length() == 20 && text.charAt(4) == '-' && text.charAt(7) == '-' && text.charAt(10) == 'T' && text.charAt(13) == ':'
                && text.charAt(16) == ':' && text.charAt(19) == 'Z') {
            try {
                LocalDateTime time = LocalDateTime.of(digits(text, 0, 4), digits(text, 5, 7), digits(text, 8, 10), digits(text, 11, 13),
                        digits(text, 14, 16), digits(text, 17, 19));
                return time.toInstant(ZoneOffset.UTC);
            } catch (DateTimeException | NumberFormatException e) {
                return Instant.parse(text); // let the general parser say what is wrong with it
            }
        }
        return Instant.parse(text);
    }

    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            int digit = text.charAt(i) - '0';
            if (digit < 0 || digit > 9) {
                throw new NumberFormatException("not a digit in '" + text + "'");
            }
            value = value * 10 + digit;
        }
        return value;
    }

    private static TrustEntry entry(Pem.Block block, Path file, Map<String, String> users) throws TrustStoreException {
        List<String> preamble = block.preamble();
        String metadata = preamble.isEmpty() ? "" : preamble.get(preamble.size() - 1);
        if (!metadata.startsWith(METADATA_PREFIX)) {
            return new TrustEntry(block.der(), "unknown", -1, AdmissionMethod.MANUAL, 0, 0);
        }
        try {
            return entry(block.der(), metadata.substring(METADATA_PREFIX.length()), users);
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new TrustStoreException(file + " line " + (block.line() - 1) + ": bad metadata line: " + e.getMessage(), e);
        }
    }
}
