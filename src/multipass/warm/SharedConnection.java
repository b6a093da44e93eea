// SPDX-License-Identifier: Apache-2.0
package multipass.warm;

import multipass.grpc.GrpcClient;
import multipass.http2.Http2Connection;
import multipass.api.RpcMethods;
import multipass.tls.ClientIdentity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The warm client's one HTTP/2 connection to the daemon, which every command it relays uses as
 * a stream of its own, several at once. That widens no trust: the daemon looks the certificate
 * up in its trust store at every call, not once per connection, so a revoked certificate is
 * refused at its next call on this connection as on a new one.
 *
 * <p>The connection is used for a new call only while it is open (no GOAWAY sent or received),
 * it has been idle (no call in progress) for less than {@link #MAX_IDLE} (the daemon closes
 * connections idle for its {@code idle_timeout_seconds}, 120 by default), and the identity's
 * certificate file is the one it was made with. Otherwise it is shut down gracefully (the
 * calls still on it finish) and a new one is dialled. Thread-safe.
 */
final class SharedConnection {
    /** How long the connection may sit without a call: half the daemon's default idle timeout. */
    static final Duration MAX_IDLE = Duration.ofSeconds(60);

    private final WarmTarget target;
    private final Dialer dialer;
    private final Path certificateFile;
    private Http2Connection connection;
    private GrpcClient client;
    private List<Object> identity;
    private int calls;
    private long idleSince;

    SharedConnection(WarmTarget target, Dialer dialer) {
        this.target = target;
        this.dialer = dialer;
        this.certificateFile = target.identityDir().resolve(ClientIdentity.CERT_FILE);
    }

    /** A client on a connection fit for one more call, dialled if need be; pair with {@link #done()}. */
    GrpcClient begin() throws IOException {
        synchronized (this) {
            List<Object> now = identityNow();
            if (connection != null && connection.isOpen() && now != null && now.equals(identity)
                    && (calls > 0 || System.nanoTime() - idleSince < MAX_IDLE.toNanos())) {
                calls++;
                return client;
            }
            retire();
            identity = now; // before the dial: a change during it is seen next time
        }
        Http2Connection dialled = dialer.dial(target);
        synchronized (this) {
            if (connection != null) { // another command dialled meanwhile: use one, retire the other
                dialled.shutdown();
            } else {
                connection = dialled;
                client = new GrpcClient(dialled, RpcMethods.AUTHORITY);
            }
            calls++;
            return client;
        }
    }

    /** A call that {@link #begin()} started has ended. */
    synchronized void done() {
        calls--;
        if (calls == 0) {
            idleSince = System.nanoTime();
        }
    }

    /** Shuts the connection down (the warm client is going): GOAWAY, the calls on it finish. */
    synchronized void close() {
        retire();
    }

    private void retire() {
        if (connection != null) {
            connection.shutdown();
            connection = null;
            client = null;
        }
    }

    /**
     * What identifies the certificate file's content without reading it (inode, size and
     * modification time); null if it cannot be read (then no connection is reused).
     */
    private List<Object> identityNow() {
        try {
            BasicFileAttributes file = Files.readAttributes(certificateFile, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return List.of(Objects.toString(file.fileKey()), file.size(), file.lastModifiedTime());
        } catch (IOException e) {
            return null;
        }
    }
}
