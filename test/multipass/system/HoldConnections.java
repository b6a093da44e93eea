// SPDX-License-Identifier: Apache-2.0
package multipass.system;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * A local user hogging the daemon, run by {@link PerUserCapsSystemTest} as a throw-away user
 * ({@code java -cp <classes> multipass.system.HoldConnections <socket or host:port> <count> [<gap ms>]}):
 * opens {@code count} connections to the daemon's Unix socket or TCP port, {@code gap} ms apart
 * (default 0), and sends nothing on them; after 3 s prints how many the daemon has closed,
 * then holds the rest open until its stdin ends.
 */
public final class HoldConnections {
    private HoldConnections() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        boolean tcp = !args[0].startsWith("/");
        SocketAddress address = tcp
                ? new InetSocketAddress(args[0].substring(0, args[0].lastIndexOf(':')), Integer.parseInt(args[0].substring(args[0].lastIndexOf(':') + 1)))
                : UnixDomainSocketAddress.of(args[0]);
        int count = Integer.parseInt(args[1]);
        long gap = args.length > 2 ? Long.parseLong(args[2]) : 0;
        List<SocketChannel> channels = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            SocketChannel channel = tcp ? SocketChannel.open() : SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(address);
            channels.add(channel);
            Thread.sleep(gap);
        }
        Thread.sleep(3000);
        int closed = 0;
        for (SocketChannel channel : channels) {
            channel.configureBlocking(false);
            if (channel.read(ByteBuffer.allocate(1)) < 0) {
                closed++;
            }
        }
        System.out.println("opened " + count + ", closed by the daemon " + closed);
        System.out.flush();
        while (System.in.read() >= 0) {
            continue; // hold the connections until the test lets go
        }
    }
}
