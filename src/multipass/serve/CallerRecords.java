// SPDX-License-Identifier: Apache-2.0
package multipass.serve;

import multipass.trust.TrustEntry;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the daemon tells a caller about itself, and only about itself: the local user and uid
 * the kernel named for its connection and the fingerprint of the certificate it presented.
 * The {@code UNAUTHENTICATED} reply carries this record beside Multipass's unchanged message,
 * so the CLI can say who was refused without hashing a certificate itself. Stateless.
 */
final class CallerRecords {
    /** What stands for a uid or fingerprint the daemon does not know. */
    static final String UNKNOWN = "unknown";

    private CallerRecords() {
    }

    /** {@code user}, {@code uid} ({@code unknown} when the kernel named no one), {@code fingerprint} ({@code none} without a certificate). */
    static Map<String, String> caller(Peer peer) {
        Map<String, String> record = new LinkedHashMap<>();
        record.put("user", peer.userName());
        record.put("uid", peer.uid() < 0 ? UNKNOWN : Long.toString(peer.uid()));
        record.put("fingerprint", peer.certificate() == null ? "none" : TrustEntry.fingerprint(peer.certificate()));
        return record;
    }
}
