// SPDX-License-Identifier: Apache-2.0
package multipass.serve;

import multipass.api.Access;
import multipass.api.Reply;
import multipass.api.Request;
import multipass.api.Status;
import multipass.trust.TrustEntry;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Serves requests: looks the command up in the {@link CommandTable}, applies its access rule
 * (open; trusted certificate; or trusted certificate or administrator by kernel credentials,
 * which breaks Multipass's lock-out loop for {@code set local.passphrase}), then runs its
 * handler. An unknown command needs a trusted certificate before it is reported unknown.
 * Passphrases are never logged. Thread-safe.
 */
public final class RequestRouter {
    static final String NOT_AUTHENTICATED = "The user is not authenticated with the Multipass service.\n\n"
            + "Please authenticate before proceeding (e.g. via 'multipass authenticate'). Note that you first need an authenticated user"
            + " to set and provide you with a trusted passphrase (e.g. via 'multipass set local.passphrase').";
    private static final System.Logger LOG = System.getLogger(RequestRouter.class.getName());

    private final Authorizer authorizer;
    private final RefusalAudit refusals;
    private final CommandTable commands;

    public RequestRouter(Authorizer authorizer, RefusalAudit refusals, CommandTable commands) {
        this.authorizer = authorizer;
        this.refusals = refusals;
        this.commands = commands;
    }

    /**
     * True when {@code peer}'s certificate is trusted now (never admits anyone): the daemon gives
     * a connection that starts untrusted the small message limits of {@code GrpcLimits} for
     * strangers, since nothing a stranger may ask for comes near them.
     */
    public boolean isTrusted(Peer peer) {
        return authorizer.isTrusted(peer);
    }

    /** The reply to {@code request} from {@code peer}; never throws for a client's mistake. */
    public Reply handle(Request request, Peer peer) throws IOException {
        LOG.log(System.Logger.Level.DEBUG, "request {0} from {1}", request.command(), peer.knownName());
        if (LOG.isLoggable(System.Logger.Level.TRACE)) {
            LOG.log(System.Logger.Level.TRACE, "{0}: {1}, client certificate {2}", request.command(), request,
                    peer.certificate() == null ? "none" : TrustEntry.fingerprint(peer.certificate()));
        }
        Optional<CommandTable.Route> route = commands.find(request.command());
        Access access = route.map(r -> r.access().apply(request)).orElse(Access.TRUSTED);
        if (access == Access.OPEN) {
            return route.get().handler().handle(request, peer, Optional.empty());
        }
        Optional<TrustEntry> trusted = authorizer.trusted(peer);
        if (trusted.isEmpty() && !(access == Access.TRUSTED_OR_ADMIN && authorizer.isAdmin(peer))) {
            refusals.refused(request.command(), peer);
            return new Reply(Status.UNAUTHENTICATED, NOT_AUTHENTICATED, List.of(CallerRecords.caller(peer)));
        }
        if (route.isEmpty()) {
            return Reply.error(Status.UNIMPLEMENTED, "unknown command '" + request.command() + "'");
        }
        return route.get().handler().handle(request, peer, trusted);
    }
}
