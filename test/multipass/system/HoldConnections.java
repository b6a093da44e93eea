// SPDX-License-Identifier: Apache-2.0
package multipass.system;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * A local user hogging the daemon, run by {@link PerUserCapsSystemTest} as a throw-away user
 * (from its source file, {@code java HoldConnections.java <socket> <count>}): opens
 * {@code count} connections to the daemon's socket and sends nothing on them; after 3 s prints
 * how many the daemon has closed, then holds the rest open until its stdin ends.
 */
public final class HoldConnections {
    private HoldConnections() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        UnixDomainSocketAddress socket = UnixDomainSocketAddress.of(args[0]);
        int count = Integer.parseInt(args[1]);
        List<SocketChannel> channels = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(socket);
            channels.add(channel);
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
