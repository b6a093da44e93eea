// SPDX-License-Identifier: Apache-2.0
package multipass.serve;

import multipass.auth.AuthThrottle;
import multipass.auth.HashGate;
import multipass.auth.PassphraseHash;
import multipass.api.Access;
import multipass.api.CommandNames;
import multipass.api.Reply;
import multipass.api.Request;
import multipass.api.Status;
import multipass.trust.AdmissionMethod;
import multipass.trust.TrustEntry;
import multipass.trust.TrustStore;

import java.io.IOException;
import java.time.Duration;

/**
 * {@code authenticate}: checks a passphrase against the stored PBKDF2 hash and trusts the
 * caller's certificate when it matches. Attempts go through the {@link AuthThrottle}
 * (exponential hold-back, lock-out) and the {@link HashGate} (bounded concurrent hashing).
 * The passphrase is wiped after use and never logged. Thread-safe.
 */
public final class Authentication {
    static final String NO_PASSPHRASE = "Incorrect passphrase. No passphrase is set.\n\n"
            + "To authenticate, first ask an authenticated user to set a passphrase and share it with you, provided they trust you."
            + " To set a passphrase, use the command 'multipass set local.passphrase'."
            + " Note that only the user who installs Multipass is automatically authenticated.";
    static final String WRONG_PASSPHRASE = "Passphrase is not correct. Please try again.";
    private static final System.Logger LOG = System.getLogger(Authentication.class.getName());

    /** Waits out a hold-back; injectable so tests need not sleep. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final Authorizer authorizer;
    private final Settings settings;
    private final AuthThrottle throttle;
    private final HashGate hashes;
    private final Sleeper sleeper;
    private final int maxCertificatesPerUser;

    public Authentication(Authorizer authorizer, Settings settings, AuthThrottle throttle, HashGate hashes, Sleeper sleeper,
                   int maxCertificatesPerUser) {
        this.authorizer = authorizer;
        this.settings = settings;
        this.throttle = throttle;
        this.hashes = hashes;
        this.sleeper = sleeper;
        this.maxCertificatesPerUser = maxCertificatesPerUser;
    }

    /** Registers {@code authenticate}, open to every caller. */
    void register(CommandTable table) {
        table.add(CommandNames.AUTHENTICATE, Access.OPEN, (request, peer, trusted) -> authenticate(request, peer));
    }

    /**
     * {@code authenticate}, in its steps: check the request, throttle the caller, verify the
     * passphrase, admit the certificate (within the user's cap of certificates). Each step either returns what the next needs or ends
     * the request with its reply ({@link Refused}); a new step is one more line here.
     */
    Reply authenticate(Request request, Peer peer) throws IOException {
        try {
            String hash = check(request, peer);
            AuthThrottle.Attempt attempt = throttle(peer);
            verify(request, peer, hash, attempt);
            admit(peer);
            return Reply.ok();
        } catch (Refused refused) {
            return refused.reply;
        }
    }

    /** The request's shape, a certificate to trust, and a passphrase set: returns the stored hash. */
    private String check(Request request, Peer peer) throws Refused {
        if (request.args().size() != 1) {
            throw new Refused(Reply.error(Status.INVALID_ARGUMENT, "authenticate takes exactly one passphrase"));
        }
        if (peer.certificate() == null) {
            throw new Refused(Reply.error(Status.INVALID_ARGUMENT, "no client certificate was presented, so there is nothing to authenticate"));
        }
        String hash = PassphraseSetting.storedHash(settings);
        if (hash.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "failed authentication by {0} (uid {1}, certificate {2}): no passphrase is set",
                    peer.userName(), peer.uid(), TrustEntry.fingerprint(peer.certificate()));
            throw new Refused(Reply.error(Status.FAILED_PRECONDITION, NO_PASSPHRASE));
        }
        return hash;
    }

    /** A throttled attempt for the caller, or a refusal while it is locked out or too many wait. */
    private AuthThrottle.Attempt throttle(Peer peer) throws Refused {
        try {
            return throttle.begin(throttleKey(peer));
        } catch (AuthThrottle.RefusedException e) {
            LOG.log(System.Logger.Level.INFO, "refused authentication by {0} (uid {1}, certificate {2}): {3}", peer.userName(), peer.uid(),
                    TrustEntry.fingerprint(peer.certificate()), e.getMessage());
            throw new Refused(Reply.error(Status.RESOURCE_EXHAUSTED, e.getMessage()));
        }
    }

    /** Waits out the hold-back and compares the passphrase; records the attempt's outcome (abandoned when it had none). */
    private void verify(Request request, Peer peer, String hash, AuthThrottle.Attempt attempt) throws Refused, IOException {
        boolean correct = false;
        boolean compared = false;
        try {
            correct = compare(request, peer, hash, attempt);
            compared = true;
        } finally {
            if (!compared) {
                attempt.abandoned();
            }
        }
        if (correct) {
            attempt.succeeded();
            return;
        }
        Duration lockout = attempt.failed();
        LOG.log(System.Logger.Level.INFO, "failed authentication by {0} (uid {1}, certificate {2}): wrong passphrase",
                peer.userName(), peer.uid(), TrustEntry.fingerprint(peer.certificate()));
        if (!lockout.isZero()) {
            LOG.log(System.Logger.Level.INFO, "locked out {0} (uid {1}, certificate {2}) for {3} s after repeated failed authentication",
                    peer.userName(), peer.uid(), TrustEntry.fingerprint(peer.certificate()), lockout.toSeconds());
        }
        throw new Refused(Reply.error(Status.INVALID_ARGUMENT, WRONG_PASSPHRASE));
    }

    private boolean compare(Request request, Peer peer, String hash, AuthThrottle.Attempt attempt) throws Refused, IOException {
        try {
            if (!attempt.delay().isZero()) {
                LOG.log(System.Logger.Level.INFO, "holding the authentication of {0} (uid {1}) for {2} ms after earlier failures",
                        peer.userName(), peer.uid(), attempt.delay().toMillis());
                RequestLog.flush();
            }
            sleeper.sleep(attempt.delay());
            char[] passphrase = request.args().get(0).toCharArray();
            try {
                return hashes.run(() -> PassphraseHash.verify(passphrase, hash));
            } finally {
                PassphraseHash.wipe(passphrase);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Refused(Reply.error(Status.UNAVAILABLE, "the daemon is stopping"));
        } catch (HashGate.BusyException e) {
            throw new Refused(Reply.error(Status.RESOURCE_EXHAUSTED, e.getMessage()));
        } catch (PassphraseHash.MalformedHashException e) {
            LOG.log(System.Logger.Level.ERROR, "the stored passphrase hash in {0} is unreadable ({1}); set the passphrase again", Settings.FILE, e.getMessage());
            throw new Refused(Reply.error(Status.INTERNAL, "the stored passphrase hash is unreadable; ask an administrator to set the passphrase again"));
        }
    }

    /**
     * Trusts the caller's certificate (already trusted: nothing changes), unless its user already
     * has {@code max_certificates_per_user}: the store checks that atomically with the add, and
     * only after the passphrase check, so only someone who knows the passphrase learns the count.
     */
    private void admit(Peer peer) throws IOException, Refused {
        TrustStore.Admission admission = authorizer.admit(peer, AdmissionMethod.PASSPHRASE, maxCertificatesPerUser);
        switch (admission.outcome()) {
            case ADDED -> { }
            case ALREADY_TRUSTED -> LOG.log(System.Logger.Level.DEBUG, "{0} (uid {1}) authenticated again; already trusted", peer.userName(), peer.uid());
            case OVER_CAP -> throw overCap(peer, admission.userCount());
        }
    }

    private Refused overCap(Peer peer, int count) {
        LOG.log(System.Logger.Level.INFO, "refused to trust certificate {0} of {1} (uid {2}): the user has {3} trusted certificates,"
                + " max_certificates_per_user is {4}", TrustEntry.fingerprint(peer.certificate()), peer.userName(), peer.uid(), count,
                maxCertificatesPerUser);
        return new Refused(Reply.error(Status.RESOURCE_EXHAUSTED, overCapMessage(peer, count)));
    }

    /** What a user over the cap is told: how many, and what to do. */
    static String overCapMessage(Peer peer, int count) {
        String who = peer.uid() >= 0 ? "The user " + peer.userName() + " (uid " + peer.uid() + ")"
                : "Clients whose user is unknown (over TCP, where the kernel cannot say)";
        return who + " already " + (peer.uid() >= 0 ? "has " : "have ") + count + " trusted certificates, the most the daemon allows"
                + " (max_certificates_per_user). Remove old ones with 'multipass trust remove <fingerprint>' from a client that is"
                + " still trusted ('multipass trust list' shows them), or ask an administrator to, then authenticate again.";
    }

    /** Ends {@code authenticate} early with {@link #reply}; control flow between the steps, so no stack trace. */
    private static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient Reply reply;

        Refused(Reply reply) {
            super(null, null, false, false);
            this.reply = reply;
        }
    }

    /**
     * Per-identity throttling: the local user the kernel names (uid, or the user name when the
     * uid is unknown), from {@code SO_PEERCRED} or a loopback TCP connection's socket table
     * alike, so one user is one identity on both; the certificate only where the kernel names
     * no one (TCP from elsewhere, or not Linux).
     */
    static String throttleKey(Peer peer) {
        if (peer.credentials() != null) {
            return peer.uid() >= 0 ? "uid:" + peer.uid() : "user:" + peer.userName();
        }
        return "certificate:" + TrustEntry.fingerprint(peer.certificate());
    }
}
