// SPDX-License-Identifier: Apache-2.0
package multipass.transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;

/**
 * The plain variant of {@link ByteStream}: bytes as they are, over a blocking channel. Used
 * only where the kernel already vouches for both ends (the CLI and its warm client, one user's
 * Unix socket in a private directory); every connection to the daemon is a {@link TlsChannel}.
 * One reading thread and one writing thread may use it at once (the channel reads and writes
 * independently); writers must be serialized by the caller, as HTTP/2's write lock does.
 */
public final class PlainChannel implements ByteStream {
    private final ByteChannel channel;

    public PlainChannel(ByteChannel channel) {
        this.channel = channel;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        int n;
        do {
            n = channel.read(dst);
        } while (n == 0 && dst.hasRemaining());
        return n;
    }

    @Override
    public void write(ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            channel.write(src);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
