// SPDX-License-Identifier: Apache-2.0
package multipass.cli;

import multipass.http2.Http2Connection;
import multipass.platform.Address;
import multipass.platform.Platform;
import multipass.settings.PersistTime;
import multipass.warm.WarmDirectory;
import multipass.warm.WarmRoute;
import multipass.warm.WarmStarter;
import multipass.warm.WarmTarget;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * Which way a command reaches the daemon. With {@code client.persist} off (the default), the
 * direct way, always. With it on, through the user's warm client (package {@code warm}) when
 * one listens for this identity and address; else the direct way, starting a warm client for
 * the next command. A warm client that refuses the call (another build, a daemon it cannot
 * reach) relays nothing, and the call is then made the direct way. Either way the command
 * makes the same call and reads the same replies, so its output and exit code are the same.
 * Stateless.
 */
public final class WarmPath {
    private WarmPath() {
    }

    /** A connection for one command to the daemon at {@code address}, warm or direct; the warm target is made only when persist is on. */
    static DaemonConnection connect(Platform platform, Address address, DaemonConnector direct) throws ClientFailure {
        Duration persist = persist(platform);
        if (persist.isZero()) {
            return direct.connect();
        }
        WarmTarget target = target(platform, address);
        Optional<Http2Connection> warm = WarmRoute.handOver(target);
        if (warm.isPresent()) {
            // A call it refuses goes direct. No other warm client is started then: this one holds the target's lock.
            return DaemonConnection.relayed(warm.get(), WarmRoute.client(warm.get(), target), target.address(), target.identityDir(),
                    direct);
        }
        DaemonConnection connection = direct.connect();
        try {
            WarmStarter.start(target, persist);
        } catch (IOException e) {
            // Only the next command's speed depends on it; this one goes on as it would without.
            return connection;
        }
        return connection;
    }

    /** The warm client's target for this user's identity and {@code address}. */
    private static WarmTarget target(Platform platform, Address address) {
        return WarmTarget.of(address.toString(), platform.clientIdentityDir(), platform.rendezvousDirs(), platform.clientConfigFile(),
                WarmDirectory.of(platform.variable("XDG_RUNTIME_DIR")));
    }

    /** {@code client.persist} for this command: {@code MULTIPASS_PERSIST} if set, else the user's setting. */
    private static Duration persist(Platform platform) {
        return PersistTime.effective(platform.variable(PersistTime.VARIABLE), platform.clientConfigFile());
    }

    /** The warm client's dial: the CLI's own verified TLS connection to the target's daemon, HTTP/2 running on it. */
    public static Http2Connection dial(WarmTarget target) throws IOException {
        try {
            return DaemonConnection.open(Address.parse(target.address()), target.identityDir(), target.rendezvousDirs()).http2();
        } catch (ClientFailure e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
