// SPDX-License-Identifier: Apache-2.0
package multipass.system;

import multipass.system.ThrowAwayUsers.User;
import multipass.warm.WarmDirectory;
import multipass.warm.WarmStarter;
import multipass.warm.WarmTarget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Another user is refused at a warm client's socket by its kernel credentials, even when the
 * file modes would let them in: as root, a warm client of root's is started, its directory and
 * socket are then opened to all (as a careless administrator might), and a throw-away user's
 * program connects and starts HTTP/2 (the client preface and its SETTINGS). The warm client
 * closes that connection unanswered, while the same bytes from root are answered (the warm
 * client's own SETTINGS), and it goes on serving.
 */
class WarmClientSystemTest {
    private RootSandbox sandbox;
    private Process warm;

    @AfterEach
    void cleanUp() throws IOException, InterruptedException {
        if (warm != null) {
            Processes.kill(warm);
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void anotherUserIsClosedUnansweredEvenWhenTheModesLetThemIn() throws Exception {
        sandbox = RootSandbox.open();
        User mallory = sandbox.accounts.createUser("mallory");
        Path runtime = sandbox.shared.resolve("run");
        Files.createDirectory(runtime, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        WarmTarget target = WarmTarget.of("unix:" + sandbox.shared.resolve("no-daemon"), sandbox.rootHome.resolve("identity"), List.of(),
                sandbox.rootHome.resolve("multipass.conf"), WarmDirectory.of(runtime.toString()));
        warm = WarmStarter.start(target, Duration.ofMinutes(2));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (!Files.exists(target.socket())) {
            assertTrue(System.nanoTime() < deadline && warm.isAlive(), "the warm client listens at " + target.socket());
            Thread.sleep(20);
        }
        Files.setPosixFilePermissions(runtime, PosixFilePermissions.fromString("rwx--x--x"));
        Files.setPosixFilePermissions(target.runtimeDir(), PosixFilePermissions.fromString("rwx--x--x"));
        Files.setPosixFilePermissions(target.socket(), PosixFilePermissions.fromString("rw-rw-rw-"));
        String hello = HTTP2_START;

        assertEquals("closed unanswered", probe(mallory, target.socket(), hello), "mallory, another uid, is refused");
        assertEquals("answered", probe(null, target.socket(), hello).replaceAll(" \\d+ bytes$", ""), "root, its own user, is answered");
        assertTrue(warm.isAlive(), "and the warm client goes on");
    }

    /** The client connection preface (RFC 9113 section 3.4) and an empty SETTINGS frame, in hex. */
    private static final String HTTP2_START = HexFormat.of().formatHex("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII))
            + "000000" + "04" + "00" + "00000000";

    /** Runs {@link WarmProbe} from its source as {@code user} (null: root, this process's user); returns its line. */
    private String probe(User user, Path socket, String frame) throws IOException, InterruptedException {
        Path source = Files.createDirectories(sandbox.shared.resolve(Path.of("multipass", "system"))).resolve("WarmProbe.java");
        if (!Files.exists(source)) {
            Files.copy(Path.of("test", "multipass", "system", "WarmProbe.java"), source);
            Files.setPosixFilePermissions(source, PosixFilePermissions.fromString("rw-r--r--"));
        }
        List<String> java = List.of(sandbox.java.toString(), source.toString(), socket.toString(), frame);
        List<String> command = user == null ? java : concat(List.of(sandbox.runuser.toString(), "-u", user.name(), "--",
                "env", "-i", "PATH=/usr/bin:/bin", "HOME=" + user.home()), java);
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String line = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the probe ends");
        return line;
    }

    private static List<String> concat(List<String> head, List<String> tail) {
        List<String> all = new java.util.ArrayList<>(head);
        all.addAll(tail);
        return all;
    }
}
