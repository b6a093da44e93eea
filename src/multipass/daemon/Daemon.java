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
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.time.Clock;
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
     * {@link ConnectionQuotas} ({@link AcceptLoop}), each on a thread of its own.
     */
    public void serve() throws IOException {
        new AcceptLoop(endpoint, quotas, this::session).run(() -> closing);
    }

    /** The session of an accepted connection: its peer's credentials, or where to find them later (then {@code credentials} is null). */
    private ClientSession session(SocketChannel channel, Peer.Credentials credentials, LaterPeerLookup later, ConnectionQuotas.Ticket ticket) {
        return new ClientSession(channel, credentials, later, tls, router, replyFailures, watchdog, callDeadlines, calls, live, limits,
                ticket::handshakeOver, ticket::closed);
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
