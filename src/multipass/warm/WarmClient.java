// SPDX-License-Identifier: Apache-2.0
package multipass.warm;

import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import multipass.grpc.GrpcServer;
import multipass.http2.Http2Connection;
import multipass.http2.Http2Settings;
import multipass.transport.PlainChannel;
import multipass.util.FileLockHandle;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The warm client: a long-lived process of one user that makes the TLS connections to the
 * daemon on behalf of that user's later commands (see {@link CallRelay}). One per
 * {@link WarmTarget}, enforced by a lock file held for the process's life; it listens on a
 * socket bound under a temporary name in the user's private directory, made 0600, then
 * renamed into place. Every peer's kernel credentials ({@code SO_PEERCRED}) must show this
 * user, else the connection is closed unread. It exits when no command came for the persist
 * time, when the setting is turned off, when its build is replaced on disk, when its socket is
 * taken away, and on SIGTERM, removing its socket and closing its spare connection to the daemon.
 * One accepting thread, one thread per CLI connection reading its HTTP/2 frames (plain: the
 * socket is private to this user), and a few threads that relay the calls.
 */
final class WarmClient {
    private static final System.Logger LOG = System.getLogger(WarmClient.class.getName());

    private final WarmTarget target;
    private final CallRelay relay;
    private final ExecutorService calls = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "warm-call");
        thread.setDaemon(true);
        return thread;
    });
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "warm-timer");
        thread.setDaemon(true);
        return thread;
    });
    private final Lifetime lifetime;
    private final String me;
    private Object socketInode;

    WarmClient(WarmTarget target, Dialer dialer, Duration persist) {
        this.target = target;
        this.relay = new CallRelay(target, dialer);
        this.lifetime = new Lifetime(target, persist);
        this.me = System.getProperty("user.name");
    }

    /** Serves until it is time to go; returns 0, also when another process already serves the target. */
    int run() throws IOException {
        WarmDirectory.prepare(target.runtimeDir());
        Optional<FileLockHandle> lock = FileLockHandle.tryAcquire(target.lockFile());
        if (lock.isEmpty()) {
            return 0; // another warm client serves this target, or is starting to
        }
        try (FileLockHandle held = lock.get(); ServerSocketChannel server = bind()) {
            LOG.log(Level.DEBUG, "serving {0} while holding {1}", target.socket(), held);
            synchronized (this) {
                socketInode = Files.readAttributes(target.socket(), "unix:ino").get("ino");
            }
            Runtime.getRuntime().addShutdownHook(new Thread(this::exit, "warm-client-exit"));
            lifetime.watch(server, socketInode);
            accept(server);
            lifetime.awaitCommands();
            exit();
        }
        return 0;
    }

    private ServerSocketChannel bind() throws IOException {
        Path temporary = target.runtimeDir().resolve(target.socket().getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        Files.deleteIfExists(temporary);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(temporary));
            Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
            Files.move(temporary, target.socket(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return server;
        } catch (IOException e) {
            server.close();
            Files.deleteIfExists(temporary);
            throw e;
        }
    }

    private void accept(ServerSocketChannel server) throws IOException {
        while (true) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (AsynchronousCloseException e) {
                return; // the lifetime closed it: time to go
            }
            if (!sameUser(channel)) {
                channel.close();
                continue;
            }
            lifetime.started();
            Thread thread = new Thread(() -> serve(channel), "warm-command");
            thread.start();
        }
    }

    private void serve(SocketChannel channel) {
        try {
            Http2Connection.server(new PlainChannel(channel), Http2Settings.DEFAULTS, new GrpcServer(relay, calls, timer)).run();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "a relayed command ended early: {0}", e.getMessage());
        } finally {
            lifetime.finished();
        }
    }

    private boolean sameUser(SocketChannel channel) throws IOException {
        UnixDomainPrincipal peer = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
        return peer.user().getName().equals(me);
    }

    /** Removes the socket and shuts the connection to the daemon down (GOAWAY, then close_notify). */
    private void exit() {
        removeSocket();
        relay.close();
    }

    /** Removes the socket if it is still the one this process bound. */
    private synchronized void removeSocket() {
        try {
            if (socketInode != null && socketInode.equals(Files.readAttributes(target.socket(), "unix:ino").get("ino"))) {
                Files.delete(target.socket());
            }
            socketInode = null;
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "cannot remove {0}: {1}", target.socket(), e.getMessage());
        }
    }
}
