// SPDX-License-Identifier: Apache-2.0
package multipass.warm;

import multipass.settings.PersistTime;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Objects;

/**
 * When a warm client goes: a watcher thread checks, twice a second, whether no command came
 * for the persist time, whether {@code client.persist} was turned off in the configuration file
 * (after having been on: a warm client started by {@code MULTIPASS_PERSIST} with the setting
 * off lives out its time), whether its build was replaced on disk, and whether its socket is
 * still the one it bound; then it closes the listening socket. Commands under way finish.
 * Thread-safe (the counters are guarded by this object).
 */
final class Lifetime {
    private static final System.Logger LOG = System.getLogger(Lifetime.class.getName());
    private static final long CHECK_MILLIS = 500;

    private final WarmTarget target;
    private Duration persist;
    private boolean settingWasOn;
    private int active;
    private long lastActivity = System.nanoTime();

    Lifetime(WarmTarget target, Duration persist) {
        this.target = target;
        this.persist = persist;
        this.settingWasOn = !PersistTime.configured(target.configFile()).isZero();
    }

    /** Starts the watcher, which closes {@code server} when it is time to go. */
    void watch(ServerSocketChannel server, Object socketInode) {
        Thread watcher = new Thread(() -> {
            String reason;
            do {
                try {
                    Thread.sleep(CHECK_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
                reason = reasonToGo(socketInode);
            } while (reason == null);
            LOG.log(Level.DEBUG, "warm client exits: {0}", reason);
            try {
                server.close();
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "closing the listening socket: {0}", e.getMessage());
            }
        }, "warm-lifetime");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** Why the warm client should exit now, or null. */
    private String reasonToGo(Object socketInode) {
        Duration setting = PersistTime.configured(target.configFile());
        synchronized (this) {
            if (settingWasOn && setting.isZero()) {
                return "client.persist was turned off";
            }
            if (!setting.isZero()) {
                settingWasOn = true;
                persist = setting;
            }
            if (active == 0 && System.nanoTime() - lastActivity > persist.toNanos()) {
                return "no command for " + persist;
            }
        }
        if (!Build.stamp().equals(target.build())) {
            return "its program was replaced on disk";
        }
        try {
            return Objects.equals(Files.readAttributes(target.socket(), "unix:ino").get("ino"), socketInode) ? null : "its socket was replaced";
        } catch (IOException e) {
            return "its socket is gone (" + e.getMessage() + ")";
        }
    }

    synchronized void started() {
        active++;
        lastActivity = System.nanoTime();
    }

    synchronized void finished() {
        active--;
        lastActivity = System.nanoTime();
        notifyAll();
    }

    /** Waits until no command is under way. */
    synchronized void awaitCommands() {
        while (active > 0) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
