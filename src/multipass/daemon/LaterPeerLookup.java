// SPDX-License-Identifier: Apache-2.0
package multipass.daemon;

import multipass.http2.Http2Connection;
import multipass.serve.Endpoint;
import multipass.serve.Peer;
import multipass.serve.UnknownPeerException;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * Finds a connection's local user after its handshake, for {@link Peer#later}: the endpoint's
 * read of the kernel's tables ({@link Endpoint#credentialsLater}), then an HTTP/2 PING round
 * trip on the connection. The round trip is what makes the read believable this late: the
 * tables name the owner of the connection's pair of ends, and while the daemon's socket is open
 * no other connection can hold that pair; but a client that reset the connection frees it, and
 * another user's new connection could take it before the read. A reset socket never reads
 * again, so an acknowledgement of a PING sent after the read shows the daemon's socket was
 * still this connection's during it. Thread-safe; {@link #find} runs on a call thread, never on
 * the connection's reader thread, which reads the acknowledgement.
 */
final class LaterPeerLookup implements Peer.Lookup {
    /** How long the acknowledgement may take (a client's HTTP/2 layer sends it at once). */
    static final Duration ROUND_TRIP = Duration.ofSeconds(10);

    private final Endpoint endpoint;
    private final SocketChannel channel;
    private volatile Http2Connection connection;
    private boolean read; // guarded by this
    private Peer.Credentials found; // guarded by this
    private UnknownPeerException failure; // guarded by this

    LaterPeerLookup(Endpoint endpoint, SocketChannel channel) {
        this.endpoint = endpoint;
        this.channel = channel;
    }

    /** The connection that carries the round trip; set before any call can ask {@link #find}. */
    void attach(Http2Connection http2) {
        this.connection = http2;
    }

    /**
     * The tables' answer for the connection, read once (the first call reads): enough to pick
     * the lane its calls queue in, not to act in its user's name.
     *
     * @throws UnknownPeerException when the tables no longer show the client's end open
     */
    synchronized Peer.Credentials read() {
        if (!read) {
            read = true;
            try {
                found = endpoint.credentialsLater(channel);
            } catch (UnknownPeerException e) {
                failure = e;
            } catch (IOException e) {
                failure = new UnknownPeerException("the connection closed before the daemon could tell which local user made it ("
                        + e.getMessage() + "); try again");
            }
        }
        if (failure != null) {
            throw failure;
        }
        return found;
    }

    @Override
    public Peer.Credentials find() {
        Peer.Credentials credentials = read();
        if (credentials == null) {
            return null; // names nobody, grants and keys nothing
        }
        boolean answered;
        try {
            answered = connection != null && connection.roundTrip(ROUND_TRIP);
        } catch (InterruptedIOException e) {
            Thread.currentThread().interrupt();
            answered = false;
        }
        if (!answered) {
            throw new UnknownPeerException("the connection did not answer the daemon's HTTP/2 PING within " + ROUND_TRIP.toSeconds()
                    + " s, so the daemon cannot tell which local user made it; keep it open and reading until the reply comes,"
                    + " and try again");
        }
        return credentials;
    }
}
