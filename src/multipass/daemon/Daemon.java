// SPDX-License-Identifier: Apache-2.0
package multipass.daemon;

import multipass.auth.AuthLimits;
import multipass.auth.AuthThrottle;
import multipass.auth.HashGate;
import multipass.instances.Backend;
import multipass.instances.Backends;
import multipass.platform.Address;
import multipass.platform.CurrentUser;
import multipass.platform.UserDatabase;
import multipass.serve.AdminPolicy;
import multipass.serve.Authentication;
import multipass.serve.Authorizer;
import multipass.serve.CommandTable;
import multipass.serve.DaemonCommands;
import multipass.serve.Endpoint;
import multipass.serve.InstanceCommands;
import multipass.serve.PassphraseSetting;
import multipass.serve.Peer;
import multipass.serve.RefusalAudit;
import multipass.serve.RequestRouter;
import multipass.serve.Settings;
import multipass.serve.SettingsCommands;
import multipass.serve.TrustCommands;
import multipass.settings.SettingKeys;
import multipass.tls.DaemonIdentity;
import multipass.tls.Identity;
import multipass.tls.IdentityException;
import multipass.tls.PublishedAuthority;
import multipass.tls.TlsContexts;
import multipass.trust.TrustStore;
import multipass.util.FileLockHandle;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The running daemon: owns the endpoint, the TLS identity, the trust store, the settings and
 * the instance inventory, and serves each connection on its own thread, which reads its HTTP/2
 * frames; the gRPC calls run on a shared, bounded pool ({@link #CALL_THREADS}).
 * {@link #serve()} blocks until {@link #close()}.
 *
 * <pre>
 *   accept ─► ClientSession (thread) ─► TLS ─► HTTP/2 ─► gRPC ─► RpcCalls (pool) ─► RequestRouter ─► Authorizer
 *                                                                                        │              │
 *                                                                      Settings, TrustCommands,     TrustStore
 *                                                                      InstanceCommands ─► Backend (instances.txt)
 * </pre>
 */
public final class Daemon implements AutoCloseable {
    /** The admin groups tried, in order, when {@code --admin-group} is not given. */
    static final List<String> DEFAULT_ADMIN_GROUPS = List.of("sudo", "admin", "wheel");
    private static final System.Logger LOG = System.getLogger(Daemon.class.getName());
    /**
     * The threads that run calls. A call holds one while it runs its command and sends its
     * answer; calls beyond wait in the queue ({@link #QUEUED_CALLS}) and past that are refused
     * as busy. Nearly every command takes well under a millisecond of it. One local user's
     * calls take at most {@link FairCalls#PER_USER} of them at once.
     */
    static final int CALL_THREADS = 32;
    /** The calls that may wait for a thread. */
    static final int QUEUED_CALLS = 4096;
    /**
     * The most connections taken from the backlog at once, whose peers are read together (on
     * loopback TCP, one read of the kernel's socket tables for all).
     */
    static final int MAX_ACCEPT_BATCH = 64;
    /** Marks a connection whose peer could not be read (it is closed). */
    private static final Peer.Credentials UNREADABLE = new Peer.Credentials("", -1, Peer.Source.LOOPBACK_TCP);
    /** How long a stopping daemon lets the calls in flight finish after its GOAWAY. */
    private static final long STOP_GRACE_MILLIS = 5000;

    private final Endpoint endpoint;
    private final TlsContexts tls;
    private final RequestRouter router;
    private final ConnectionLimits limits;
    private final FileLockHandle dataDirLock;
    private final ScheduledExecutorService watchdog;
    /** The gRPC calls' deadlines, apart from the watchdog (ending a call writes, and a write can block). */
    private final ScheduledExecutorService callDeadlines;
    private final ConnectionQuotas quotas;
    /** The stores that write their whole state on a clean stop (trust store, inventory). */
    private final List<Closeable> stores;
    private final ReplyFailures replyFailures;
    private final ThreadPoolExecutor callPool;
    private final FairCalls calls;
    private final LiveConnections live = new LiveConnections();
    private volatile boolean closing;

    private Daemon(Endpoint endpoint, TlsContexts tls, RequestRouter router, ConnectionLimits limits, FileLockHandle dataDirLock, Clock clock,
                   List<Closeable> stores) {
        this.endpoint = endpoint;
        this.stores = stores;
        this.tls = tls;
        this.router = router;
        this.limits = limits;
        this.dataDirLock = dataDirLock;
        this.watchdog = newWatchdog();
        this.callDeadlines = newScheduler("call-deadlines");
        this.quotas = new ConnectionQuotas(limits, clock);
        this.replyFailures = new ReplyFailures(clock);
        this.callPool = newCallPool();
        this.calls = new FairCalls(callPool);
    }

    private static ThreadPoolExecutor newCallPool() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(CALL_THREADS, CALL_THREADS, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(QUEUED_CALLS), runnable -> {
                    Thread thread = new Thread(runnable, "call");
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /**
     * The one thread that closes connections past a deadline (handshake, idle). Nearly every
     * deadline is cancelled, several per request; a cancelled one leaves the queue at once,
     * instead of waiting out its delay there, so the queue does not grow with the request rate.
     */
    static ScheduledExecutorService newWatchdog() {
        return newScheduler("handshake-watchdog");
    }

    private static ScheduledExecutorService newScheduler(String name) {
        ScheduledThreadPoolExecutor watchdog = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
        watchdog.setRemoveOnCancelPolicy(true);
        return watchdog;
    }

    /** Prepares the data dir, identity and stores, and binds the endpoint. */
    public static Daemon start(DaemonOptions options, Clock clock) throws StartupException {
        FileLockHandle lock = null;
        try {
            DataDir.prepare(options.dataDir());
            lock = DataDir.lock(options.dataDir())
                    .orElseThrow(() -> new StartupException("another daemon is already using the data directory " + options.dataDir()
                            + "; stop it first", null));
            for (Path file : DataLayout.guardedFiles()) {
                DataDir.requireSafeFile(options.dataDir().resolve(file));
            }
            DataDir.removeLeftovers(options.dataDir());
            TrustStore.Opening opening = TrustStore.openInBackground(options.dataDir()); // the bulk of a start at 100,000 entries
            Settings settings = Settings.open(options.dataDir());
            Backend backend = Backends.open(options.dataDir(), clock);
            Identity identity = DaemonIdentity.loadOrCreate(options.dataDir().resolve(DataLayout.IDENTITY_DIR), clock.instant());
            UserDatabase users = UserDatabase.system();
            String adminGroup = adminGroup(options.adminGroup(), users);
            TrustStore store = opening.store();
            // A journal left by a crash goes into the main files now (no-ops after a clean stop), so they are
            // complete (and Multipass-readable, for the trust store) from every start; see docs/trust-model.md.
            store.compact();
            backend.compact();
            InstanceCommands instances = new InstanceCommands(backend);
            DaemonLimits limits = DaemonLimits.read(settings);
            AuthLimits authLimits = limits.auth();
            if (options.rootCertCopy() != null) {
                try {
                    PublishedAuthority.publishForMultipassClient(options.rootCertCopy(), DaemonIdentity.authority(identity));
                } catch (IOException e) {
                    throw new StartupException("cannot write the root certificate to " + options.rootCertCopy() + " (--multipass-root-cert): "
                            + e.getMessage() + "; make its directory writable for the daemon, or drop the option", e);
                }
                LOG.log(System.Logger.Level.INFO, "wrote the root certificate to {0} for Multipass''s own client", options.rootCertCopy());
            }
            Endpoint endpoint = bind(options, store.isEmpty(), adminGroup, users, DaemonIdentity.authority(identity));
            AdminPolicy admins = new AdminPolicy(users, adminGroup, CurrentUser.get().uid());
            Authorizer authorizer = new Authorizer(store, admins, endpoint, clock);
            HashGate hashes = new HashGate(authLimits.maxConcurrentHashes(), authLimits.maxQueuedHashes());
            Authentication authentication = new Authentication(authorizer, settings, new AuthThrottle(authLimits, clock), hashes,
                    duration -> Thread.sleep(duration.toMillis()), authLimits.maxCertificatesPerUser());
            CommandTable commands = DaemonCommands.table(authentication, new TrustCommands(store, authorizer),
                    new SettingsCommands(Map.of(SettingKeys.PASSPHRASE.key(), new PassphraseSetting(settings, hashes))), instances);
            RequestRouter router = new RequestRouter(authorizer, new RefusalAudit(clock), commands);
            LOG.log(System.Logger.Level.INFO, "listening on {0} (data dir {1}, {2} trusted client(s), admin group {3})",
                    endpoint.address(), options.dataDir(), store.size(), adminGroup == null ? "none" : adminGroup);
            store.indexFingerprintsInBackground(); // for trust list and trust remove; nothing waits for it
            return new Daemon(endpoint, TlsContexts.daemon(identity), router, limits.connections(), lock, clock, List.of(store, backend));
        } catch (IOException | IdentityException | TrustStore.TrustStoreException | DataDir.UnsafeDataDirException e) {
            release(lock);
            throw new StartupException(e.getMessage(), e);
        } catch (StartupException | RuntimeException e) {
            release(lock);
            throw e;
        }
    }

    private static void release(FileLockHandle lock) {
        if (lock == null) {
            return;
        }
        try {
            lock.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot release the data directory lock: {0}", e.getMessage());
        }
    }

    /** The address clients should use. */
    public String address() {
        return endpoint.address();
    }

    /**
     * Accepts and serves connections until {@link #close()}, within the caps of
     * {@link ConnectionQuotas}: a connection is accepted only when a handshake slot is free (the
     * surplus waits in the listen backlog, so a burst of clients is served a little later
     * instead of being turned away), and refused once accepted when it would exceed the open
     * connections, or its user's share of either.
     */
    public void serve() throws IOException {
        List<SocketChannel> batch = new ArrayList<>(MAX_ACCEPT_BATCH);
        while (!closing) {
            if (!quotas.awaitHandshakeSlot()) {
                return;
            }
            SocketChannel channel;
            try {
                channel = endpoint.accept();
            } catch (ClosedChannelException e) {
                quotas.returnHandshakeSlot();
                if (closing) {
                    return;
                }
                throw e;
            } catch (IOException | RuntimeException e) {
                quotas.returnHandshakeSlot();
                throw e;
            }
            batch.clear();
            batch.add(channel);
            acceptReady(batch);
            if (endpoint.defersCredentials() && !quotas.usersMatter(batch.size())) {
                for (SocketChannel later : batch) {
                    startLater(later);
                }
                continue;
            }
            List<Peer.Credentials> credentials = credentials(batch);
            for (int i = 0; i < batch.size(); i++) {
                if (credentials.get(i) != UNREADABLE) {
                    start(batch.get(i), credentials.get(i));
                }
            }
        }
    }

    /**
     * Adds to {@code batch} the connections already waiting in the backlog, as many as there
     * are free handshake slots (each holding one), up to {@link #MAX_ACCEPT_BATCH}: their
     * peers are then read together.
     */
    private void acceptReady(List<SocketChannel> batch) {
        while (batch.size() < MAX_ACCEPT_BATCH && quotas.tryHandshakeSlot()) {
            SocketChannel more;
            try {
                more = endpoint.acceptReady();
            } catch (IOException | RuntimeException e) {
                more = null; // the next blocking accept reports a closed or broken endpoint
            }
            if (more == null) {
                quotas.returnHandshakeSlot();
                return;
            }
            batch.add(more);
        }
    }

    /**
     * The peers of {@code batch}, read together; if that fails, each on its own, and one that
     * cannot be read is closed (its slot given back) and marked {@link #UNREADABLE}. Where peers
     * were counted in before their users were known, those still open are read in the same read
     * and counted in their users' shares from now on ({@link ConnectionQuotas#resolve}): the
     * per-user caps are about to matter. One whose client end the kernel no longer shows open is
     * closed: it half-closed or reset, and cannot send again, but could hold its place uncounted.
     */
    private List<Peer.Credentials> credentials(List<SocketChannel> batch) {
        List<ConnectionQuotas.Ticket> earlier = new ArrayList<>();
        List<SocketChannel> all = new ArrayList<>(batch);
        if (endpoint.defersCredentials()) {
            for (ConnectionQuotas.Ticket ticket : quotas.unresolved()) {
                if (ticket.channel().isOpen()) { // a closed one leaves the list on its own
                    earlier.add(ticket);
                    all.add(ticket.channel());
                }
            }
        }
        try {
            List<Peer.Credentials> found = endpoint.credentials(all);
            for (int i = 0; i < earlier.size(); i++) {
                resolve(earlier.get(i), found.get(batch.size() + i));
            }
            return found.subList(0, batch.size());
        } catch (IOException e) {
            List<Peer.Credentials> each = new ArrayList<>(batch.size());
            for (SocketChannel channel : batch) {
                try {
                    each.add(endpoint.credentials(channel));
                } catch (IOException failure) {
                    LOG.log(System.Logger.Level.DEBUG, "closing a connection whose peer credentials cannot be read: {0}", failure.getMessage());
                    quotas.returnHandshakeSlot();
                    close(channel);
                    each.add(UNREADABLE);
                }
            }
            return each;
        }
    }

    /** Counts an earlier connection in its user's share, or closes it if its client end is gone (see {@link #credentials}). */
    private void resolve(ConnectionQuotas.Ticket ticket, Peer.Credentials credentials) {
        quotas.resolve(ticket, credentials);
        if (credentials == null && endpoint.mustName(ticket.channel())) {
            LOG.log(System.Logger.Level.DEBUG, "closing a loopback connection whose client end is no longer open");
            close(ticket.channel());
        }
    }

    /** Counts the connection in (or closes it, over a cap) and starts its session. */
    private void start(SocketChannel channel, Peer.Credentials credentials) {
        ConnectionQuotas.Ticket ticket = quotas.admit(credentials);
        if (ticket == null) {
            close(channel);
            return;
        }
        run(new ClientSession(channel, credentials, null, tls, router, replyFailures, watchdog, callDeadlines, calls, live, limits,
                ticket::handshakeOver, ticket::closed));
    }

    /**
     * Counts the connection in before its user is known (or closes it, over a cap) and starts
     * its session, which reads the user when it is first needed ({@link LaterPeerLookup}).
     */
    private void startLater(SocketChannel channel) {
        ConnectionQuotas.Ticket ticket = quotas.admitUnresolved(channel);
        if (ticket == null) {
            close(channel);
            return;
        }
        run(new ClientSession(channel, null, new LaterPeerLookup(endpoint, channel), tls, router, replyFailures, watchdog, callDeadlines,
                calls, live, limits, ticket::handshakeOver, ticket::closed));
    }

    private static void run(ClientSession session) {
        Thread thread = new Thread(session, "client");
        thread.setDaemon(true);
        thread.start();
    }

    private static void close(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "cannot close a refused connection: {0}", e.getMessage());
        }
    }

    /**
     * Stops accepting, removes the socket file and the published CA, sends every connection
     * GOAWAY and lets the calls in flight finish (for up to {@link #STOP_GRACE_MILLIS}), then
     * flushes the stores.
     */
    @Override
    public void close() throws IOException {
        closing = true;
        try {
            endpoint.close();
            try {
                live.stop(STOP_GRACE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            callPool.shutdownNow();
            watchdog.shutdownNow();
            callDeadlines.shutdownNow();
            for (Closeable store : stores) {
                store.close();
            }
        } finally {
            dataDirLock.close();
        }
        LOG.log(System.Logger.Level.INFO, "stopped listening on {0}", endpoint.address());
    }

    private static Endpoint bind(DaemonOptions options, boolean storeEmpty, String adminGroup, UserDatabase users,
                                 java.security.cert.X509Certificate ca) throws IOException, StartupException {
        if (options.address() instanceof Address.Tcp) {
            return TcpEndpoint.bind((Address.Tcp) options.address(), options.rendezvousDir(), ca, TcpEndpoint.owners(), users);
        }
        Path socket = ((Address.Unix) options.address()).path();
        Optional<ServerSocketChannel> inherited = InheritedSocket.at(socket);
        if (inherited.isPresent()) {
            LOG.log(System.Logger.Level.INFO, "serving the socket {0} that systemd made (socket activation)", socket);
            return UnixEndpoint.adopt(socket, inherited.get(), SocketAccess.forInherited(), !storeEmpty, users, ca);
        }
        GroupPrincipal group = socketGroup(adminGroup, users);
        SocketAccess access = new SocketAccess(group);
        if (!CurrentUser.get().isRoot()) {
            LOG.log(System.Logger.Level.INFO, "not running as root: the socket stays owned by {0}{1}", CurrentUser.get().name(),
                    group == null ? " and, while nobody is trusted, is restricted to it (mode 0600)" : ", group " + group.getName());
        }
        return UnixEndpoint.bind(socket, access, !storeEmpty, users, ca);
    }

    /** The admin group: the one named, else the first of sudo, admin, wheel that exists, else none. */
    static String adminGroup(String named, UserDatabase users) throws IOException, StartupException {
        if (named != null) {
            if (users.group(named).isEmpty()) {
                throw new StartupException("admin group '" + named + "' does not exist; create it or name another with --admin-group", null);
            }
            return named;
        }
        for (String candidate : DEFAULT_ADMIN_GROUPS) {
            if (users.group(candidate).isPresent()) {
                return candidate;
            }
        }
        return null;
    }

    /**
     * The group a restricted socket gets: as root, the admin group (else gid 0); otherwise the
     * admin group only if this user belongs to it (an unprivileged chown cannot do more).
     */
    private static GroupPrincipal socketGroup(String adminGroup, UserDatabase users) throws IOException {
        CurrentUser me = CurrentUser.get();
        String name;
        if (me.isRoot()) {
            name = adminGroup == null ? "root" : adminGroup;
        } else {
            Optional<UserDatabase.User> user = users.user(me.uid());
            Optional<UserDatabase.Group> group = adminGroup == null ? Optional.empty() : users.group(adminGroup);
            if (user.isEmpty() || group.isEmpty() || !users.isMember(user.get(), group.get())) {
                return null;
            }
            name = adminGroup;
        }
        return FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByGroupName(name);
    }
}
