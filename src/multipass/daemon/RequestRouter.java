package multipass.daemon;

import multipass.BuildInfo;
import multipass.auth.PassphraseHash;
import multipass.auth.Peer;
import multipass.protocol.Reply;
import multipass.protocol.Request;
import multipass.protocol.Status;
import multipass.trust.AdmissionMethod;
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
    static final String NO_PASSPHRASE = "Incorrect passphrase. No passphrase is set.\n\n"
            + "To authenticate, first ask an authenticated user to set a passphrase and share it with you, provided they trust you."
            + " To set a passphrase, use the command 'multipass set local.passphrase'."
            + " Note that only the user who installs Multipass is automatically authenticated.";
    static final String WRONG_PASSPHRASE = "Passphrase is not correct. Please try again.";
    private static final System.Logger LOG = System.getLogger(RequestRouter.class.getName());

    private final Authorizer authorizer;
    private final Settings settings;

    RequestRouter(Authorizer authorizer, Settings settings) {
        this.authorizer = authorizer;
        this.settings = settings;
    }

    /** The reply to {@code request} from {@code peer}; never throws for a client's mistake. */
    Reply handle(Request request, Peer peer) throws IOException {
        LOG.log(System.Logger.Level.DEBUG, "request {0} from {1} (uid {2})", request.command(), peer.userName(), peer.uid());
        if (LOG.isLoggable(System.Logger.Level.TRACE)) {
            LOG.log(System.Logger.Level.TRACE, "{0}: {1}, client certificate {2}", request.command(), request,
                    peer.certificate() == null ? "none" : TrustEntry.fingerprint(peer.certificate()));
        }
        if (request.command().equals("authenticate")) {
            return authenticate(request, peer);
        }
        Optional<TrustEntry> trusted = authorizer.trusted(peer);
        if (trusted.isEmpty() && !(isPassphraseSet(request) && authorizer.isAdmin(peer))) {
            LOG.log(System.Logger.Level.DEBUG, "refusing {0} from untrusted certificate of {1} (uid {2})", request.command(), peer.userName(), peer.uid());
            return Reply.error(Status.UNAUTHENTICATED, NOT_AUTHENTICATED);
        }
        switch (request.command()) {
            case "version":
                return Reply.ok(List.of(Map.of("version", BuildInfo.VERSION)));
            case "get":
                return get(request);
            case "set":
                return set(request, peer);
            case "list":
                return Reply.ok();
            default:
                return Reply.error(Status.UNIMPLEMENTED, "unknown command '" + request.command() + "'");
        }
    }

    private Reply authenticate(Request request, Peer peer) throws IOException {
        if (request.args().size() != 1) {
            return Reply.error(Status.INVALID_ARGUMENT, "authenticate takes exactly one passphrase");
        }
        if (peer.certificate() == null) {
            return Reply.error(Status.INVALID_ARGUMENT, "no client certificate was presented, so there is nothing to authenticate");
        }
        String hash = settings.passphraseHash();
        if (hash.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "failed authentication by {0} (uid {1}): no passphrase is set", peer.userName(), peer.uid());
            return Reply.error(Status.FAILED_PRECONDITION, NO_PASSPHRASE);
        }
        char[] passphrase = request.args().get(0).toCharArray();
        boolean correct;
        try {
            correct = PassphraseHash.verify(passphrase, hash);
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.ERROR, "the stored passphrase hash in {0} is unreadable ({1}); set the passphrase again", Settings.FILE, e.getMessage());
            return Reply.error(Status.INTERNAL, "the stored passphrase hash is unreadable; ask an administrator to set the passphrase again");
        } finally {
            PassphraseHash.wipe(passphrase);
        }
        if (!correct) {
            LOG.log(System.Logger.Level.INFO, "failed authentication by {0} (uid {1}): wrong passphrase", peer.userName(), peer.uid());
            return Reply.error(Status.INVALID_ARGUMENT, WRONG_PASSPHRASE);
        }
        if (!authorizer.admit(peer, AdmissionMethod.PASSPHRASE)) {
            LOG.log(System.Logger.Level.DEBUG, "{0} (uid {1}) authenticated again; already trusted", peer.userName(), peer.uid());
        }
        return Reply.ok();
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
            settings.setPassphraseHash(passphrase.length == 0 ? "" : PassphraseHash.hash(passphrase));
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
