// SPDX-License-Identifier: Apache-2.0
package multipass.daemon;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The listening socket systemd hands the daemon under socket activation
 * ({@code multipassd.socket} with {@code StandardInput=socket} in {@code multipassd.service}):
 * the JDK returns it from {@link System#inheritedChannel()} as a {@link ServerSocketChannel}.
 * That is the only way plain Java can take over a listening socket it did not create (the JDK
 * cannot wrap an arbitrary file descriptor such as {@code LISTEN_FDS}'s fd 3), hence
 * {@code StandardInput=socket} rather than {@code LISTEN_FDS}.
 *
 * <p>It is used only when it is a Unix socket bound to exactly the path the daemon was told to
 * serve ({@code --address}); anything else on standard input (a terminal, a pipe, a socket at
 * another path) is left alone and the daemon binds its own socket, as when run by hand.
 * Stateless; {@link System#inheritedChannel()} returns the same channel on every call.
 */
final class InheritedSocket {
    private static final System.Logger LOG = System.getLogger(InheritedSocket.class.getName());

    private InheritedSocket() {
    }

    /** The inherited listening socket bound to {@code socket}, if systemd handed the daemon one. */
    static Optional<ServerSocketChannel> at(Path socket) throws IOException {
        Channel inherited = System.inheritedChannel();
        if (!(inherited instanceof ServerSocketChannel server)) {
            return Optional.empty();
        }
        SocketAddress bound = server.getLocalAddress();
        if (bound instanceof UnixDomainSocketAddress unix && unix.getPath().toAbsolutePath().normalize().equals(socket.toAbsolutePath().normalize())) {
            return Optional.of(server);
        }
        LOG.log(System.Logger.Level.WARNING, "ignoring the listening socket on standard input: it is bound to {0}, not to {1};"
                + " binding {1} instead (check ListenStream= in multipassd.socket)", bound, socket);
        return Optional.empty();
    }
}
