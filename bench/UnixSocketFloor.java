// SPDX-License-Identifier: Apache-2.0
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * The floor of every warm-client figure: a JVM that starts, sends one short request over a
 * Unix socket (the bench answers it at once), prints the answer and exits. No command can
 * hand its work to a warm client for less: a Unix-domain socket makes the JDK initialize
 * {@code SecureRandom} and its provider framework (for temporary socket names), whether the
 * socket needs one or not. {@code make bench} times it beside the warm {@code list}.
 */
public final class UnixSocketFloor {
    private UnixSocketFloor() {
    }

    public static void main(String[] args) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(args[0]));
            channel.write(ByteBuffer.wrap("list\n".getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer answer = ByteBuffer.allocate(4096);
            while (channel.read(answer) >= 0 && answer.hasRemaining()) {
                // until the bench closes its side
            }
            System.out.write(answer.array(), 0, answer.position());
            System.out.flush();
        }
    }
}
