// SPDX-License-Identifier: Apache-2.0
package multipass.warm;

import multipass.grpc.CallResult;
import multipass.grpc.GrpcClient;
import multipass.http2.Http2Connection;
import multipass.http2.Http2Settings;
import multipass.protocol.RpcMethods;
import multipass.protocol.Status;
import multipass.transport.PlainChannel;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The CLI's side of the warm path: finds the target's warm client, opens HTTP/2 to it over the
 * private socket and makes the hello call. Only when it answers OK (it serves this target and
 * reached the daemon) is the connection returned, on which the CLI then makes its call as it
 * would over TLS. Any failure up to that point (no socket, a directory that is not private, a
 * dead process, another build, a daemon it cannot reach) returns empty and the command goes
 * direct, which is always safe because nothing has been handed over yet. Loads no TLS or JCA
 * class. Stateless.
 */
public final class WarmRoute {
    private WarmRoute() {
    }

    /** A running HTTP/2 connection to the target's warm client, ready to take the call; empty to go direct. */
    public static Optional<Http2Connection> handOver(WarmTarget target) {
        if (!WarmDirectory.isPrivate(target.runtimeDir())) {
            return Optional.empty();
        }
        Http2Connection http2 = null;
        try {
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                channel.connect(UnixDomainSocketAddress.of(target.socket()));
            } catch (IOException e) {
                channel.close();
                throw e;
            }
            http2 = Http2Connection.client(new PlainChannel(channel), Http2Settings.DEFAULTS);
            Http2Connection running = http2;
            Thread reader = new Thread(() -> readQuietly(running), "warm-http2-reader");
            reader.setDaemon(true);
            reader.start();
            CallResult hello = new GrpcClient(http2, RpcMethods.AUTHORITY)
                    .call(CallRelay.HELLO_PATH, target.hello().getBytes(StandardCharsets.UTF_8), null, message -> { });
            if (hello.status() == Status.OK) {
                return Optional.of(http2);
            }
        } catch (IOException e) {
            // No warm client (yet), or it died, or spoke nonsense: the direct path is as good, only slower.
        }
        if (http2 != null) {
            http2.close();
        }
        return Optional.empty();
    }

    /** Reads the connection's frames until it ends; the call on it reports any failure. */
    private static void readQuietly(Http2Connection http2) {
        try {
            http2.run();
        } catch (IOException e) {
            return;
        }
    }
}
