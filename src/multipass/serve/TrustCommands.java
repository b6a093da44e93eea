// SPDX-License-Identifier: Apache-2.0
package multipass.serve;

import multipass.api.Access;
import multipass.api.CommandNames;
import multipass.api.RecordView;
import multipass.api.Reply;
import multipass.api.Request;
import multipass.api.Status;
import multipass.trust.AdmissionMethod;
import multipass.trust.TrustEntry;
import multipass.trust.TrustStore;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code trust status}, {@code trust list} and {@code trust remove}: is the caller trusted, who is trusted, and revocation that takes effect
 * on the very next request, as LXD and Incus offer. An administrator (root or the admin group
 * by kernel credentials, or a client admitted as {@code first-client} or {@code installer})
 * sees and removes every entry; any other trusted user only its own (same certificate, or the
 * same uid). Removal is all-or-nothing across the prefixes given. Thread-safe.
 */
public final class TrustCommands {
    private static final System.Logger LOG = System.getLogger(TrustCommands.class.getName());
    private static final Set<AdmissionMethod> ADMIN_METHODS = Set.of(AdmissionMethod.FIRST_CLIENT, AdmissionMethod.INSTALLER);

    private final TrustStore store;
    private final Authorizer authorizer;

    public TrustCommands(TrustStore store, Authorizer authorizer) {
        this.store = store;
        this.authorizer = authorizer;
    }

    /** Registers {@code trust-status} and {@code ping} (anyone), {@code trust-list} and {@code trust-remove} (trusted clients). */
    void register(CommandTable table) {
        table.add(CommandNames.TRUST_STATUS, Access.OPEN, (request, peer, trusted) -> status(peer));
        // As Multipass's: OK for a trusted caller, else UNAUTHENTICATED with no text; never admits a first client.
        table.add(CommandNames.PING, Access.OPEN,
                (request, peer, trusted) -> authorizer.isTrusted(peer) ? Reply.ok() : Reply.error(Status.UNAUTHENTICATED, ""));
        table.add(CommandNames.TRUST_LIST, Access.TRUSTED, (request, peer, trusted) -> list(peer, trusted.orElse(null)));
        table.add(CommandNames.TRUST_REMOVE, Access.TRUSTED, (request, peer, trusted) -> remove(request, peer, trusted.orElse(null)));
    }

    Reply list(Peer peer, TrustEntry caller) throws IOException {
        boolean admin = isAdmin(peer, caller);
        List<TrustEntry> visible = admin ? store.entries() : store.entries().stream().filter(entry -> owns(peer, entry)).toList();
        return Reply.ok(RecordView.of(visible, TrustCommands::record)); // each record made as the reply is sent
    }

    /**
     * {@code trust status}: the caller's own record (who the kernel says it is, its
     * certificate's fingerprint) and whether that certificate is trusted, how and since when.
     * Served to untrusted callers too, so it says nothing about any other entry, and it never
     * admits anyone (not even a first client).
     */
    Reply status(Peer peer) {
        Map<String, String> record = CallerRecords.caller(peer);
        Optional<TrustEntry> entry = peer.certificate() == null ? Optional.empty() : store.find(peer.certificate());
        record.put("trusted", entry.isPresent() ? "yes" : "no");
        entry.ifPresent(e -> {
            record.put("method", e.method().label());
            record.put("admitted", e.method() == AdmissionMethod.MANUAL ? CallerRecords.UNKNOWN : e.admitted().toString());
        });
        return Reply.ok(List.of(record));
    }

    Reply remove(Request request, Peer peer, TrustEntry caller) throws IOException {
        if (request.args().isEmpty()) {
            return Reply.error(Status.INVALID_ARGUMENT, "name at least one certificate fingerprint (or a unique prefix of one)");
        }
        boolean admin = isAdmin(peer, caller);
        List<TrustEntry> doomed = new ArrayList<>();
        for (String given : request.args()) {
            String prefix = given.toLowerCase(java.util.Locale.ROOT).replace(":", "");
            if (prefix.isEmpty() || !prefix.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                return Reply.error(Status.INVALID_ARGUMENT, "'" + given + "' is not a fingerprint: use the hexadecimal digits 'trust list' shows");
            }
            List<TrustEntry> matches = store.withFingerprintPrefix(prefix);
            List<TrustEntry> allowed = matches.stream().filter(e -> admin || owns(peer, e)).toList();
            if (matches.isEmpty()) {
                return Reply.error(Status.NOT_FOUND, "no trusted certificate has a fingerprint starting with '" + given + "'");
            }
            if (allowed.isEmpty()) {
                return Reply.error(Status.PERMISSION_DENIED, "the certificate '" + given + "' is not yours; only an administrator can remove it");
            }
            if (allowed.size() > 1) {
                StringBuilder candidates = new StringBuilder();
                allowed.forEach(e -> candidates.append("\n  ").append(e.fingerprint()).append(" (").append(e.user()).append(')'));
                return Reply.error(Status.INVALID_ARGUMENT, "'" + given + "' is ambiguous; it matches:" + candidates + "\ngive more digits");
            }
            doomed.add(allowed.get(0));
        }
        store.remove(doomed.stream().map(TrustEntry::fingerprint).distinct().toList());
        for (TrustEntry entry : doomed) {
            LOG.log(System.Logger.Level.INFO, "removed trusted certificate {0} of user {1} (uid {2}, method {3}), by {4}",
                    entry.fingerprint(), entry.user(), entry.uid(), entry.method().label(), peer.auditName());
        }
        authorizer.storeChanged();
        return Reply.ok(doomed.stream().map(TrustCommands::record).toList());
    }

    private boolean isAdmin(Peer peer, TrustEntry caller) throws IOException {
        return (caller != null && ADMIN_METHODS.contains(caller.method())) || authorizer.isAdmin(peer);
    }

    /** Its own certificate, or (by {@code SO_PEERCRED} only: a loopback TCP uid grants nothing) an entry of its uid. */
    private static boolean owns(Peer peer, TrustEntry entry) {
        Peer.Credentials authority = peer.authority();
        return (peer.certificate() != null && entry.matches(peer.certificate()))
                || (authority != null && authority.uid() >= 0 && entry.uid() == authority.uid());
    }

    private static Map<String, String> record(TrustEntry entry) {
        Map<String, String> record = new LinkedHashMap<>();
        record.put("fingerprint", entry.fingerprint());
        record.put("user", entry.user());
        record.put("uid", entry.uid() < 0 ? "unknown" : Long.toString(entry.uid()));
        record.put("method", entry.method().label());
        record.put("admitted", entry.method() == AdmissionMethod.MANUAL ? "unknown" : entry.admitted().toString());
        return record;
    }
}
