// SPDX-License-Identifier: Apache-2.0
package multipass.serve;

import multipass.trust.AdmissionMethod;
import multipass.trust.TrustEntry;
import multipass.trust.TrustStore;

import java.io.IOException;
import java.time.Clock;
import java.util.Optional;

/**
 * Decides who is trusted (SPEC section 5): a peer is trusted when its certificate's DER bytes
 * are in the trust store. On a Unix socket with an empty store, the first peer whose kernel
 * credentials show an administrator is admitted as {@code first-client}; the store's
 * check-and-add is atomic, so of many simultaneous first clients exactly one wins. Every
 * admission re-opens the socket. Thread-safe.
 */
public final class Authorizer {
    private static final System.Logger LOG = System.getLogger(Authorizer.class.getName());

    private final TrustStore store;
    private final AdminPolicy admins;
    private final Endpoint endpoint;
    private final Clock clock;

    public Authorizer(TrustStore store, AdminPolicy admins, Endpoint endpoint, Clock clock) {
        this.store = store;
        this.admins = admins;
        this.endpoint = endpoint;
        this.clock = clock;
    }

    /** The peer's trust entry, admitting it as the first client when that rule applies; empty when untrusted. */
    Optional<TrustEntry> trusted(Peer peer) throws IOException {
        Optional<TrustEntry> entry = store.find(peer.certificate());
        if (entry.isPresent() || peer.certificate() == null || !endpoint.firstClientAcceptance() || !store.isEmpty()) {
            return entry;
        }
        if (!admins.isAdmin(peer.authority())) {
            LOG.log(System.Logger.Level.DEBUG, "not accepting {0} (uid {1}) as first client: not root or in the admin group", peer.userName(), peer.uid());
            return Optional.empty();
        }
        TrustEntry candidate = entryFor(peer, AdmissionMethod.FIRST_CLIENT);
        if (store.addIfEmpty(candidate)) {
            audit(candidate);
            applySocketMode();
            return Optional.of(candidate);
        }
        return store.find(peer.certificate());
    }

    /** True when the peer's certificate is in the trust store now (never admits anyone). */
    boolean isTrusted(Peer peer) {
        return peer.certificate() != null && store.find(peer.certificate()).isPresent();
    }

    /** True when the peer's {@code SO_PEERCRED} credentials show an administrator (never over TCP). */
    boolean isAdmin(Peer peer) throws IOException {
        return admins.isAdmin(peer.authority());
    }

    /**
     * Trusts the peer's certificate unless its user already has {@code maxPerUser} trusted
     * certificates (the check and the add are one step in the store); persisted before returning.
     */
    TrustStore.Admission admit(Peer peer, AdmissionMethod method, int maxPerUser) throws IOException {
        TrustEntry entry = entryFor(peer, method);
        TrustStore.Admission admission = store.admit(entry, maxPerUser);
        if (admission.outcome() == TrustStore.Admission.Outcome.ADDED) {
            audit(entry);
            applySocketMode();
        }
        return admission;
    }

    /** Re-applies the socket mode after entries were removed: restricted again when nobody is trusted. */
    void storeChanged() throws IOException {
        applySocketMode();
    }

    /**
     * Opens or restricts the socket to match the store as it is now. Serialised, and the store
     * is read inside: of a removal and an admission racing, whichever applies last sees the
     * other's change, so the socket cannot stay restricted while someone is trusted.
     */
    private synchronized void applySocketMode() throws IOException {
        endpoint.trustChanged(store.isEmpty());
    }

    private TrustEntry entryFor(Peer peer, AdmissionMethod method) {
        return new TrustEntry(peer.certificate(), peer.userName(), peer.uid(), method, clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    }

    private static void audit(TrustEntry entry) {
        LOG.log(System.Logger.Level.INFO, "trusted client certificate {0} of user {1} (uid {2}), method {3}",
                entry.fingerprint(), entry.user(), entry.uid(), entry.method().label());
    }
}
