// SPDX-License-Identifier: Apache-2.0
package multipass.system;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * Run from its source file as some user by {@link WarmClientSystemTest}: connects to a warm
 * client's socket, sends some bytes (given in hex: the start of an HTTP/2 connection), and
 * prints {@code answered <n> bytes} as soon as anything comes back (an HTTP/2 server answers
 * with its SETTINGS and waits for more), or {@code closed unanswered} (closed by the other end
 * with no byte sent back); {@code cannot connect: ...} if the socket refuses it. JDK only.
 */
public final class WarmProbe {
    private WarmProbe() {
    }

    public static void main(String[] args) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            try {
                channel.connect(UnixDomainSocketAddress.of(Path.of(args[0])));
            } catch (IOException e) {
                System.out.println("cannot connect: " + e.getMessage());
                return;
            }
            ByteBuffer answer = ByteBuffer.allocate(65536);
            int total = 0;
            try {
                channel.write(ByteBuffer.wrap(HexFormat.of().parseHex(args[1])));
                int n = channel.read(answer);
                total = Math.max(n, 0);
            } catch (IOException e) {
                // Closed before the bytes were all written (broken pipe) or while reading (reset).
                System.out.println("closed unanswered");
                return;
            }
            System.out.println(total == 0 ? "closed unanswered" : "answered " + total + " bytes");
        }
    }
}
