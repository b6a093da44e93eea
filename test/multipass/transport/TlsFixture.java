// SPDX-License-Identifier: Apache-2.0
package multipass.transport;

import multipass.testing.QuickIdentities;
import multipass.tls.DaemonIdentity;
import multipass.tls.Identity;
import multipass.tls.IdentityException;
import multipass.tls.TlsContexts;

import java.io.IOException;
import java.nio.channels.ByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Real TLS identities for the transport tests, made once per test JVM without keytool
 * ({@link QuickIdentities}, milliseconds): a daemon CA and server certificate, loaded back by
 * the product's own {@code DaemonIdentity} as a daemon would, and a client certificate like the
 * CLI's. The files are deleted as soon as the identities are in memory. Also runs one end of a
 * connection on another thread, closing that end's raw channel if it fails so that the other
 * end sees EOF instead of waiting forever. Thread-safe.
 */
final class TlsFixture {
    private static TlsFixture instance;

    final Identity daemon;
    final Identity client;
    final TlsContexts daemonTls;
    final TlsContexts clientTls;

    /** Contexts for these identities; the client trusts the last certificate of the daemon's chain. */
    TlsFixture(Identity daemon, Identity client) throws IdentityException {
        this.daemon = daemon;
        this.client = client;
        this.daemonTls = TlsContexts.daemon(daemon);
        this.clientTls = TlsContexts.client(client, DaemonIdentity.authority(daemon));
    }

    static synchronized TlsFixture get() throws IOException, IdentityException {
        if (instance == null) {
            Path dir = Files.createTempDirectory("multipass-transport-test");
            try {
                instance = new TlsFixture(QuickIdentities.daemon(dir.resolve("daemon")), QuickIdentities.client("client"));
            } finally {
                try (Stream<Path> paths = Files.walk(dir)) {
                    for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(path);
                    }
                }
            }
        }
        return instance;
    }

    /** Runs {@code body} on {@code threads}; if it throws, {@code end} is closed first. */
    static <T> Future<T> background(ExecutorService threads, ByteChannel end, Callable<T> body) {
        return threads.submit(() -> {
            try {
                return body.call();
            } catch (Exception | Error e) {
                end.close();
                throw e;
            }
        });
    }

    /** Both TLS ends of a connection whose handshake has completed. */
    record Connected(MemoryConnection raw, TlsChannel client, TlsChannel server) {
    }

    /** Opens a connection and runs both handshakes (the server's on {@code threads}). */
    Connected connect(ExecutorService threads, MemoryConnection raw) throws Exception {
        TlsChannel server = new TlsChannel(raw.server(), daemonTls.newEngine());
        TlsChannel client = new TlsChannel(raw.client(), clientTls.newEngine());
        Future<Void> serverHandshake = background(threads, raw.server(), () -> {
            server.handshake();
            return null;
        });
        client.handshake();
        await(serverHandshake);
        return new Connected(raw, client, server);
    }

    /** The future's value, or its failure rethrown as is. */
    static <T> T await(Future<T> future) throws Exception {
        try {
            return future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }
}
