// SPDX-License-Identifier: Apache-2.0
package multipass.warm;

import multipass.grpc.CallResult;
import multipass.grpc.GrpcClient;
import multipass.grpc.PercentEncoding;
import multipass.hpack.HeaderField;
import multipass.http2.Http2Connection;
import multipass.http2.Http2Settings;
import multipass.api.RpcMethods;
import multipass.transport.PlainChannel;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Optional;

/**
 * The CLI's side of the warm path: finds the target's warm client and opens HTTP/2 to it over
 * the private socket, on which the CLI then makes its call as it would over TLS, with the hello
 * ({@link WarmTarget#hello()}) as the call's metadata: one round trip. The warm client relays
 * the call only when the hello names what it serves and it can reach the daemon; otherwise it
 * ends the call at once with the {@link #REFUSED} trailer, having relayed nothing, and the
 * command goes direct. No socket, a directory that is not private or a dead process send the
 * command direct before anything is sent. Loads no TLS or JCA class. Stateless.
 */
public final class WarmRoute {
    /** Request metadata: the hello, percent-encoded (its lines and any non-ASCII path). */
    static final String HELLO = "multipass-warm-hello";
    /** The trailer of a call the warm client refused without relaying it; never passed on from the daemon. */
    static final String REFUSED = "multipass-warm-refused";

    private WarmRoute() {
    }

    /** A running HTTP/2 connection to the target's warm client, ready to take the call; empty to go direct. */
    public static Optional<Http2Connection> handOver(WarmTarget target) {
        if (!WarmDirectory.isPrivate(target.runtimeDir())) {
            return Optional.empty();
        }
        try {
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                channel.connect(UnixDomainSocketAddress.of(target.socket()));
            } catch (IOException e) {
                channel.close();
                throw e;
            }
            Http2Connection http2 = Http2Connection.client(new PlainChannel(channel), Http2Settings.DEFAULTS);
            Thread reader = new Thread(() -> readQuietly(http2), "warm-http2-reader");
            reader.setDaemon(true);
            reader.start();
            return Optional.of(http2);
        } catch (IOException e) {
            // No warm client (yet), or it died: the direct path is as good, only slower.
            return Optional.empty();
        }
    }

    /** The gRPC client for the call through the warm client: every call carries the hello. */
    public static GrpcClient client(Http2Connection http2, WarmTarget target) {
        return new GrpcClient(http2, RpcMethods.AUTHORITY, List.of(hello(target)));
    }

    /** True when the warm client refused the call without relaying it: the command goes direct. */
    public static boolean refused(CallResult result) {
        for (HeaderField field : result.trailers()) {
            if (field.name().equals(REFUSED)) {
                return true;
            }
        }
        return false;
    }

    /** The hello metadata of {@code target}. */
    static HeaderField hello(WarmTarget target) {
        return new HeaderField(HELLO, PercentEncoding.encode(target.hello()));
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
