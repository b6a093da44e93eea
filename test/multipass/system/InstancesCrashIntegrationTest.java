// SPDX-License-Identifier: Apache-2.0
package multipass.system;

import multipass.cli.CliRunner;
import multipass.platform.Address;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real daemon ({@code java -jar multipass.jar daemon}) killed with SIGKILL while clients
 * are launching instances: after a restart on the same data dir every acknowledged change is
 * there, and nothing else but the launches that were in flight. Runs as any user (the daemon
 * runs as the test's user; so does the in-process client, which the daemon takes as its first
 * client).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class InstancesCrashIntegrationTest {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final int LAUNCHERS = 4;
    /** Launches acknowledged in the concurrent phase before the kill. */
    private static final int BEFORE_KILL = 20;

    @TempDir
    Path dir;
    private final List<DaemonProcess> daemons = new ArrayList<>();

    @AfterEach
    void shutDown() throws InterruptedException {
        for (DaemonProcess daemon : daemons) {
            daemon.shutDown();
        }
    }

    @Test
    void everyAcknowledgedChangeSurvivesKillDashNine() throws Exception {
        DaemonProcess daemon = start(1);
        CliRunner client = new CliRunner(new Address.Unix(dir.resolve("s")), dir.resolve("home"));
        Map<String, String> acknowledged = new ConcurrentHashMap<>();
        for (String name : List.of("a", "b", "c")) {
            assertEquals(0, client.run("launch", "--name", name).exit());
            acknowledged.put(name, "Running");
        }
        assertEquals(0, client.run("stop", "b").exit());
        acknowledged.put("b", "Stopped");
        assertEquals(0, client.run("delete", "c").exit());
        acknowledged.put("c", "Deleted");

        Set<String> attempted = ConcurrentHashMap.newKeySet();
        CountDownLatch enough = new CountDownLatch(BEFORE_KILL);
        AtomicBoolean killed = new AtomicBoolean();
        List<Thread> launchers = new ArrayList<>();
        for (int i = 0; i < LAUNCHERS; i++) {
            int id = i;
            Thread launcher = new Thread(() -> {
                for (int n = 0; !killed.get(); n++) {
                    String name = "t" + id + "-" + n;
                    attempted.add(name);
                    if (client.run("launch", "--name", name).exit() == 0) {
                        acknowledged.put(name, "Running");
                        enough.countDown();
                    }
                }
            }, "launcher-" + i);
            launcher.start();
            launchers.add(launcher);
        }
        assertTrue(enough.await(2, TimeUnit.MINUTES), "the launchers got " + BEFORE_KILL + " launches acknowledged");
        killed.set(true);
        daemon.kill(); // launches in flight now fail, unacknowledged
        for (Thread launcher : launchers) {
            launcher.join();
        }

        start(2); // on the stale socket file and the data dir the killed daemon left
        Map<String, String> listed = client.instanceStates();
        for (Map.Entry<String, String> change : acknowledged.entrySet()) {
            assertEquals(change.getValue(), listed.get(change.getKey()), "acknowledged state of " + change.getKey() + " after the restart");
        }
        for (String name : listed.keySet()) {
            assertTrue(acknowledged.containsKey(name) || attempted.contains(name), "an instance nobody launched: " + name);
        }
        System.out.printf("instances kill -9: %d changes acknowledged before SIGKILL, all present after the restart (%d instances listed)%n",
                acknowledged.size() + 2, listed.size());
    }

    private DaemonProcess start(int run) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path jar = Path.of(System.getProperty("multipass.jar", "build/multipass.jar")).toAbsolutePath();
        DaemonProcess daemon = DaemonProcess.start(List.of(java.toString(), "-jar", jar.toString(), "daemon",
                        "--address", "unix:" + dir.resolve("s"), "--data-dir", dir.resolve("data").toString()),
                Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", "HOME", dir.toString()), dir.resolve("daemon-" + run + ".log"), START_TIMEOUT);
        daemons.add(daemon);
        return daemon;
    }
}
