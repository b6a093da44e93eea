// SPDX-License-Identifier: Apache-2.0
package multipass.daemon;

import multipass.BuildInfo;
import multipass.auth.HashGate;
import multipass.auth.PassphraseHash;
import multipass.auth.Peer;
import multipass.protocol.Reply;
import multipass.protocol.Request;
import multipass.protocol.Status;
import multipass.transport.FrameChannel;
import multipass.trust.TrustEntry;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Serves requests: applies the authorization gate, then runs the command. Every command but
 * {@code authenticate} needs a trusted certificate; {@code set local.passphrase} is also open
 * to an untrusted administrator (by kernel credentials), which breaks Multipass's lock-out
 * loop. Passphrases are never logged. Thread-safe.
 */
final class RequestRouter {
    static final String NOT_AUTHENTICATED = "The user is not authenticated with the Multipass service.\n\n"
            + "Please authenticate before proceeding (e.g. via 'multipass authenticate'). Note that you first need an authenticated user"
            + " to set and provide you with a trusted passphrase (e.g. via 'multipass set local.passphrase').";
    private static final System.Logger LOG = System.getLogger(RequestRouter.class.getName());

    /** The frame limit before a client is trusted: 64 KiB. */
    static final int UNTRUSTED_MAX_FRAME = 64 * 1024;

    private final Authorizer authorizer;
    private final Settings settings;
    private final Authentication authentication;
    private final TrustCommands trust;
    private final HashGate hashes;
    private final RefusalAudit refusals;
    private final InstanceCommands instances;

    RequestRouter(Authorizer authorizer, Settings settings, Authentication authentication, TrustCommands trust, HashGate hashes,
                  RefusalAudit refusals, InstanceCommands instances) {
        this.authorizer = authorizer;
        this.settings = settings;
        this.authentication = authentication;
        this.trust = trust;
        this.hashes = hashes;
        this.refusals = refusals;
        this.instances = instances;
    }

    /**
     * The largest request frame {@code peer} may send next: {@link FrameChannel#MAX_FRAME} once
     * it is trusted, {@link #UNTRUSTED_MAX_FRAME} before. Nothing an untrusted client may ask
     * for (authenticate, or a first request that makes it the first client) comes near it, and
     * it keeps what a crowd of strangers can make the daemon buffer and decode small.
     */
    int frameLimit(Peer peer) {
        return authorizer.isTrusted(peer) ? FrameChannel.MAX_FRAME : UNTRUSTED_MAX_FRAME;
    }

    /** The reply to {@code request} from {@code peer}; never throws for a client's mistake. */
    Reply handle(Request request, Peer peer) throws IOException {
        LOG.log(System.Logger.Level.DEBUG, "request {0} from {1} (uid {2})", request.command(), peer.userName(), peer.uid());
        if (LOG.isLoggable(System.Logger.Level.TRACE)) {
            LOG.log(System.Logger.Level.TRACE, "{0}: {1}, client certificate {2}", request.command(), request,
                    peer.certificate() == null ? "none" : TrustEntry.fingerprint(peer.certificate()));
        }
        if (request.command().equals("authenticate")) {
            return authentication.authenticate(request, peer);
        }
        Optional<TrustEntry> trusted = authorizer.trusted(peer);
        if (trusted.isEmpty() && !(isPassphraseSet(request) && authorizer.isAdmin(peer))) {
            refusals.refused(request.command(), peer);
            return Reply.error(Status.UNAUTHENTICATED, NOT_AUTHENTICATED);
        }
        switch (request.command()) {
            case "trust-list":
                return trust.list(peer, trusted.orElse(null));
            case "trust-remove":
                return trust.remove(request, peer, trusted.orElse(null));
            case "version":
                return Reply.ok(List.of(Map.of("version", BuildInfo.VERSION)));
            case "get":
                return get(request);
            case "set":
                return set(request, peer);
            case "launch":
            case "list":
            case "info":
            case "start":
            case "stop":
            case "delete":
            case "purge":
            case "recover":
                return instances.handle(request, peer);
            default:
                return Reply.error(Status.UNIMPLEMENTED, "unknown command '" + request.command() + "'");
        }
    }

    private Reply get(Request request) {
        if (request.args().size() != 1) {
            return Reply.error(Status.INVALID_ARGUMENT, "get takes exactly one key");
        }
        String key = request.args().get(0);
        if (!key.equals(Settings.PASSPHRASE_KEY)) {
            return Reply.error(Status.INVALID_ARGUMENT, "Unrecognized settings key: '" + key + "'");
        }
        // Never the hash itself: only whether one is set.
        return Reply.ok(List.of(Map.of("value", Boolean.toString(!settings.passphraseHash().isEmpty()))));
    }

    private Reply set(Request request, Peer peer) throws IOException {
        if (request.args().size() != 2) {
            return Reply.error(Status.INVALID_ARGUMENT, "set takes exactly one key and one value");
        }
        String key = request.args().get(0);
        if (!key.equals(Settings.PASSPHRASE_KEY)) {
            return Reply.error(Status.INVALID_ARGUMENT, "Unrecognized settings key: '" + key + "'");
        }
        char[] passphrase = request.args().get(1).toCharArray();
        try {
            settings.setPassphraseHash(passphrase.length == 0 ? "" : hashes.run(() -> PassphraseHash.hash(passphrase)));
        } catch (HashGate.BusyException e) {
            return Reply.error(Status.RESOURCE_EXHAUSTED, e.getMessage());
        } finally {
            PassphraseHash.wipe(passphrase);
        }
        LOG.log(System.Logger.Level.INFO, "passphrase {0} by {1} (uid {2})", passphrase.length == 0 ? "cleared" : "changed", peer.userName(), peer.uid());
        return Reply.ok();
    }

    private static boolean isPassphraseSet(Request request) {
        return request.command().equals("set") && !request.args().isEmpty() && request.args().get(0).equals(Settings.PASSPHRASE_KEY);
    }
}
