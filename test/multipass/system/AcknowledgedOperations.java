// SPDX-License-Identifier: Apache-2.0
package multipass.system;

import multipass.auth.PassphraseHash;
import multipass.trust.TrustEntry;
import multipass.trust.TrustStore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What the clients of a daemon that gets killed were told, and what its stores must therefore
 * hold after a restart (SPEC section 11: "a kill -9 at any moment leaves stores that load and
 * hold every change that was acknowledged"):
 *
 * <ul>
 *   <li>a certificate whose {@code authenticate} was answered OK is in the trust store, unless
 *       a removal of it was at least sent;
 *   <li>a certificate whose {@code trust-remove} was answered OK is not;
 *   <li>an instance whose {@code launch} was answered OK is in the inventory;
 *   <li>the stored passphrase hash matches the last passphrase whose {@code set} was answered
 *       OK, or the one being set when the daemon died (it may or may not have been written).
 * </ul>
 *
 * Operations whose reply never came may have happened or not; both are fine. One thread sets
 * passphrases; any number authenticate and remove. Thread-safe.
 */
final class AcknowledgedOperations {
    private final Set<String> trusted = new LinkedHashSet<>();
    private final Set<String> removalSent = new HashSet<>();
    private final Set<String> removed = new HashSet<>();
    private final Set<String> launched = new HashSet<>();
    private final Map<String, Integer> counts = new TreeMap<>();
    private int answered;
    private String passphrase;
    private String passphraseInFlight;
    /** The stored hash last checked, and the passphrase it matched. */
    private String verifiedHash;
    private String verifiedPassphrase;

    AcknowledgedOperations(String initialPassphrase) {
        this.passphrase = initialPassphrase;
    }

    /** Counts an operation's outcome for the report ("authenticate OK", "set unanswered", ...); {@code answered}: it counts for {@link #awaitAnswered}. */
    synchronized void count(String outcome, boolean answered) {
        counts.merge(outcome, 1, Integer::sum);
        if (answered) {
            this.answered++;
            notifyAll();
        }
    }

    /** How many operations were answered so far. */
    synchronized int answered() {
        return answered;
    }

    /** Waits until at least {@code count} operations were answered in all, or {@code deadline} passed. */
    synchronized void awaitAnswered(int count, Duration deadline) throws InterruptedException {
        Instant end = Instant.now().plus(deadline);
        while (answered < count && Instant.now().isBefore(end)) {
            wait(Math.max(1, Duration.between(Instant.now(), end).toMillis()));
        }
    }

    synchronized void trusted(String fingerprint) {
        trusted.add(fingerprint);
    }

    /** A trusted certificate nobody has tried to remove yet, now marked as being removed; empty when none. */
    synchronized Optional<String> nextToRemove() {
        Optional<String> next = trusted.stream().filter(fingerprint -> !removalSent.contains(fingerprint)).findFirst();
        next.ifPresent(removalSent::add);
        return next;
    }

    synchronized void removed(String fingerprint) {
        removed.add(fingerprint);
    }

    synchronized void launched(String name) {
        launched.add(name);
    }

    /** The passphrase clients should use: the last one acknowledged. */
    synchronized String passphrase() {
        return passphrase;
    }

    synchronized void setting(String value) {
        passphraseInFlight = value;
    }

    synchronized void set(String value) {
        passphrase = value;
        passphraseInFlight = null;
    }

    /**
     * Checks the stores in {@code dataDir} against what was acknowledged; returns what is wrong
     * (empty: nothing). Afterwards a passphrase that was in flight and did land counts as set.
     */
    synchronized List<String> verify(Path dataDir) throws IOException {
        List<String> problems = new ArrayList<>();
        Set<String> stored;
        try {
            stored = TrustStore.open(dataDir).entries().stream().map(TrustEntry::fingerprint).collect(Collectors.toSet());
        } catch (TrustStore.TrustStoreException e) {
            problems.add("the trust store does not load: " + e.getMessage());
            return problems;
        }
        for (String fingerprint : trusted) {
            if (!removalSent.contains(fingerprint) && !stored.contains(fingerprint)) {
                problems.add("acknowledged authentication lost: " + fingerprint);
            }
        }
        for (String fingerprint : removed) {
            if (stored.contains(fingerprint)) {
                problems.add("acknowledged removal undone: " + fingerprint);
            }
        }
        Set<String> instances = instances(dataDir);
        for (String name : launched) {
            if (!instances.contains(name)) {
                problems.add("acknowledged launch lost: " + name);
            }
        }
        String hash = storedHash(dataDir);
        if (!hash.equals(verifiedHash)) { // each check costs a PBKDF2 computation: skip it for a hash already checked
            if (passphraseInFlight != null && !hash.isEmpty() && PassphraseHash.verify(passphraseInFlight.toCharArray(), hash)) {
                set(passphraseInFlight);
            } else if (hash.isEmpty() || !PassphraseHash.verify(passphrase.toCharArray(), hash)) {
                problems.add("the stored passphrase hash matches neither the acknowledged passphrase nor the one in flight");
            }
            verifiedHash = hash;
        } else if (!passphrase.equals(verifiedPassphrase)) {
            problems.add("the passphrase " + passphrase + " was acknowledged, yet the stored hash did not change");
        }
        verifiedPassphrase = passphrase;
        passphraseInFlight = null;
        return problems;
    }

    /** The instance names in the inventory file ({@code docs/instances.md}): a header, then a line per instance. */
    static Set<String> instances(Path dataDir) throws IOException {
        Path file = dataDir.resolve("instances.txt");
        if (!Files.exists(file)) {
            return Set.of();
        }
        return Files.readAllLines(file, StandardCharsets.UTF_8).stream().skip(1)
                .map(line -> line.substring("name=".length(), line.indexOf('\t')))
                .collect(Collectors.toSet());
    }

    /** The {@code local.passphrase} value in {@code multipassd.conf}'s {@code [General]} section, or empty. */
    private static String storedHash(Path dataDir) throws IOException {
        boolean general = false;
        for (String line : Files.readAllLines(dataDir.resolve("multipassd.conf"), StandardCharsets.UTF_8)) {
            String trimmed = line.strip();
            if (trimmed.startsWith("[")) {
                general = trimmed.equals("[General]");
            } else if (general && trimmed.startsWith("local.passphrase=")) {
                return trimmed.substring("local.passphrase=".length());
            }
        }
        return "";
    }

    @Override
    public synchronized String toString() {
        return counts + "; " + trusted.size() + " certificates acknowledged as trusted, " + removed.size() + " acknowledged as removed, "
                + launched.size() + " instances acknowledged as launched";
    }
}
