// SPDX-License-Identifier: Apache-2.0
package multipass.bench;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The other end of {@code UnixSocketFloor}: a Unix socket in the bench's workspace that
 * answers every connection's first line with the line an empty {@code list} prints, then
 * closes it. Runs on one daemon thread of the bench until {@link #close()}.
 */
final class FloorServer implements AutoCloseable {
    static final String ANSWER = "No instances found.\n";

    private final Path socket;
    private final ServerSocketChannel server;

    private FloorServer(Path socket, ServerSocketChannel server) {
        this.socket = socket;
        this.server = server;
    }

    /** Listens at {@code socket} and starts answering. */
    static FloorServer start(Path socket) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        FloorServer floor = new FloorServer(socket, server);
        Thread thread = new Thread(floor::serve, "bench-floor-server");
        thread.setDaemon(true);
        thread.start();
        return floor;
    }

    Path socket() {
        return socket;
    }

    private void serve() {
        ByteBuffer request = ByteBuffer.allocate(64);
        while (true) {
            try (SocketChannel client = server.accept()) {
                request.clear();
                while (client.read(request) > 0 && request.get(request.position() - 1) != '\n') {
                    // the whole line: "list\n"
                }
                client.write(ByteBuffer.wrap(ANSWER.getBytes(StandardCharsets.US_ASCII)));
            } catch (AsynchronousCloseException e) {
                return;
            } catch (IOException e) {
                System.err.println("bench: the floor server: " + e.getMessage());
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        Files.deleteIfExists(socket);
    }
}
