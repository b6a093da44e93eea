// SPDX-License-Identifier: Apache-2.0
package multipass.warm;

import multipass.grpc.CallResult;
import multipass.grpc.GrpcClient;
import multipass.grpc.GrpcServer;
import multipass.http2.Http2Connection;
import multipass.http2.Http2Settings;
import multipass.api.RpcMethods;
import multipass.api.Status;
import multipass.transport.PlainChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The warm client's answer to a call whose hello does not name what it serves, or that comes
 * when the daemon cannot be reached: the call ends at once with the refused trailer, nothing is
 * relayed (the CLI then goes direct). A relay on a real Unix socket in a private directory,
 * whose dialer counts its dials and always fails.
 */
@Timeout(30)
class CallRelayTest {
    private static final String LIST = "/multipass.Rpc/list";

    @TempDir
    Path dir;
    private final AtomicInteger dials = new AtomicInteger();
    private final ExecutorService calls = Executors.newCachedThreadPool();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private ServerSocketChannel server;

    @AfterEach
    void stop() throws IOException {
        calls.shutdownNow();
        timer.shutdownNow();
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aHelloForAnotherBuildIsRefusedWithoutDialling() throws Exception {
        WarmTarget served = target("build-1");
        CallResult result = call(served, client(served, target("build-2")));
        assertTrue(WarmRoute.refused(result), result.toString());
        assertEquals(Status.FAILED_PRECONDITION, result.status());
        assertEquals(0, dials.get(), "nothing is relayed for another build");
    }

    @Test
    void aCallWithoutHelloIsRefusedWithoutDialling() throws Exception {
        WarmTarget served = target("build-1");
        CallResult result = call(served, http2 -> new GrpcClient(http2, RpcMethods.AUTHORITY));
        assertTrue(WarmRoute.refused(result), result.toString());
        assertEquals(0, dials.get());
    }

    @Test
    void aDaemonThatCannotBeReachedRefusesTheCallSoThatTheCliGoesDirect() throws Exception {
        WarmTarget served = target("build-1");
        CallResult result = call(served, client(served, served));
        assertTrue(WarmRoute.refused(result), result.toString());
        assertTrue(result.message().contains("cannot reach the daemon"), result.message());
        assertEquals(1, dials.get());
    }

    @Test
    void theDaemonsOwnStatusIsNeverARefusal() {
        assertFalse(WarmRoute.refused(new CallResult(Status.FAILED_PRECONDITION, "no", List.of())));
    }

    /** What a client made by {@code clients} gets for a call to the relay of {@code served}, over the socket of {@code served}. */
    private CallResult call(WarmTarget served, Function<Http2Connection, GrpcClient> clients) throws Exception {
        serve(served);
        Http2Connection http2 = WarmRoute.handOver(served).orElseThrow();
        try {
            return clients.apply(http2).call(LIST, "secret".getBytes(StandardCharsets.UTF_8), null, message -> { });
        } finally {
            http2.close();
        }
    }

    private static Function<Http2Connection, GrpcClient> client(WarmTarget served, WarmTarget asked) {
        return http2 -> WarmRoute.client(http2, new WarmTarget(asked.address(), asked.identityDir(), asked.rendezvousDirs(),
                asked.configFile(), served.runtimeDir(), asked.build()));
    }

    private WarmTarget target(String build) throws IOException {
        Path run = dir.resolve("run");
        if (!Files.exists(run)) {
            Files.createDirectory(run, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        return new WarmTarget("unix:/nowhere/socket", dir.resolve("identity"), List.of(), dir.resolve("client.conf"), run, build);
    }

    /** Accepts one connection at the socket of {@code served} and serves it with the relay of {@code served}. */
    private void serve(WarmTarget served) throws IOException {
        CallRelay relay = new CallRelay(served, target -> {
            dials.incrementAndGet();
            throw new IOException("no daemon here");
        });
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(served.socket()));
        Thread thread = new Thread(() -> {
            try (SocketChannel channel = server.accept()) {
                Http2Connection.server(new PlainChannel(channel), Http2Settings.DEFAULTS, new GrpcServer(relay, calls, timer)).run();
            } catch (IOException e) {
                return; // the test closed it
            }
        }, "relay-test");
        thread.setDaemon(true);
        thread.start();
    }
}
