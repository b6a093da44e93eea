// SPDX-License-Identifier: Apache-2.0
package multipass.warm;

import multipass.protocol.Message;
import multipass.protocol.Reply;
import multipass.protocol.Request;
import multipass.protocol.Status;
import multipass.transport.FrameChannel;
import multipass.transport.PlainChannel;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The CLI's side of the warm path: finds the target's warm client and asks it to connect to
 * the daemon. Only when it answers that it did is a channel returned, over which the CLI then
 * sends its request and reads the daemon's frames as it would over TLS. Any failure up to that
 * point (no socket, a directory that is not private, a dead process, another build, a daemon it
 * cannot reach) returns empty and the command goes direct, which is always safe because nothing
 * has been handed over yet. Loads no TLS or JCA class. Stateless.
 */
public final class WarmRoute {
    private WarmRoute() {
    }

    /** A channel to the target's warm client, ready to take the request; empty to go direct. */
    public static Optional<FrameChannel> handOver(WarmTarget target) {
        if (!WarmDirectory.isPrivate(target.runtimeDir())) {
            return Optional.empty();
        }
        SocketChannel channel;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        } catch (IOException e) {
            return Optional.empty(); // no Unix sockets here: the direct path works without them
        }
        try {
            channel.connect(UnixDomainSocketAddress.of(target.socket()));
            FrameChannel frames = new FrameChannel(new PlainChannel(channel));
            frames.send(new Request(Relay.HELLO, 0, List.of(target.hello()), Map.of()));
            Message answer = frames.receive();
            if (answer instanceof Reply reply && reply.status() == Status.OK) {
                return Optional.of(frames);
            }
        } catch (IOException e) {
            // No warm client (yet), or it died, or spoke nonsense: the direct path is as good, only slower.
            closeQuietly(channel);
            return Optional.empty();
        }
        closeQuietly(channel);
        return Optional.empty();
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // Nothing was handed over; a failed close changes nothing for the command.
            return;
        }
    }
}
