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
 * client's socket, sends one frame (given in hex), and prints {@code answered <n> bytes} or
 * {@code closed unanswered} (closed by the other end with no byte sent back); {@code cannot connect: ...} if the socket refuses it. JDK only.
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
                for (int n = channel.read(answer); n > 0; n = channel.read(answer)) {
                    total += n;
                }
            } catch (IOException e) {
                // Closed before the frame was all written (broken pipe) or while reading (reset).
                System.out.println(total == 0 ? "closed unanswered" : "answered " + total + " bytes, then cut: " + e.getMessage());
                return;
            }
            System.out.println(total == 0 ? "closed unanswered" : "answered " + total + " bytes");
        }
    }
}
