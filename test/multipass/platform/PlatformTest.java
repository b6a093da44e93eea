// SPDX-License-Identifier: Apache-2.0
package multipass.platform;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static multipass.platform.Platform.Os.LINUX;
import static multipass.platform.Platform.Os.MACOS;
import static multipass.platform.Platform.Os.WINDOWS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Platform} with fake environments for Linux, macOS and Windows: the client identity
 * dir, the daemon's data dir and addresses (root and not), {@code $HOME} and {@code $XDG_*}
 * handling, {@code MULTIPASS_SERVER_ADDRESS}, and Windows' {@code -?}.
 */
class PlatformTest {
    private static final Map<String, String> HOME = Map.of("HOME", "/home/alice");
    private static final Map<String, String> WINDOWS_ENV = Map.of("LOCALAPPDATA", "C:\\Users\\alice\\AppData\\Local",
            "ProgramData", "C:\\ProgramData");

    @TempDir
    Path runtimeDir;

    private static Platform linux(Map<String, String> env) {
        return new Platform(LINUX, env, false);
    }

    // ---- client identity dir ----

    @Test
    void linuxClientIdentityDirFollowsXdgDataHome() {
        assertEquals(Path.of("/home/alice/.local/share/multipass-client-certificate"), linux(HOME).clientIdentityDir());
        assertEquals(Path.of("/data/alice/multipass-client-certificate"),
                linux(Map.of("HOME", "/home/alice", "XDG_DATA_HOME", "/data/alice")).clientIdentityDir());
    }

    @Test
    void emptyOrRelativeXdgDataHomeIsIgnored() {
        Path expected = Path.of("/home/alice/.local/share/multipass-client-certificate");
        assertEquals(expected, linux(Map.of("HOME", "/home/alice", "XDG_DATA_HOME", "")).clientIdentityDir());
        assertEquals(expected, linux(Map.of("HOME", "/home/alice", "XDG_DATA_HOME", "relative/dir")).clientIdentityDir());
    }

    @Test
    void homeComesFromTheEnvironmentNotUserHome() {
        assertEquals(Path.of("/elsewhere/.local/share/multipass-client-certificate"), linux(Map.of("HOME", "/elsewhere")).clientIdentityDir());
    }

    @Test
    void withoutHomeUserHomeIsTheFallback() {
        Path expected = Path.of(System.getProperty("user.home"), ".local", "share", "multipass-client-certificate");
        assertEquals(expected, linux(Map.of()).clientIdentityDir());
        assertEquals(expected, linux(Map.of("HOME", "")).clientIdentityDir());
    }

    @Test
    void macosClientIdentityDirIsInApplicationSupport() {
        Platform mac = new Platform(MACOS, Map.of("HOME", "/Users/alice", "XDG_DATA_HOME", "/ignored"), false);
        assertEquals(Path.of("/Users/alice/Library/Application Support/multipass-client-certificate"), mac.clientIdentityDir());
    }

    @Test
    void windowsClientIdentityDirIsInLocalAppData() {
        Platform windows = new Platform(WINDOWS, WINDOWS_ENV, false);
        assertEquals(Path.of("C:\\Users\\alice\\AppData\\Local", "multipass-client-certificate"), windows.clientIdentityDir());
    }

    @Test
    void windowsWithoutLocalAppDataIsAClearError() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new Platform(WINDOWS, Map.of(), false).clientIdentityDir());
        assertTrue(e.getMessage().contains("LOCALAPPDATA"), e.getMessage());
    }

    @Test
    void identityDirOfAnotherUsersHome() {
        assertEquals(Path.of("/home/bob/.local/share/multipass-client-certificate"), linux(HOME).clientIdentityDirForHome(Path.of("/home/bob")));
        assertEquals(Path.of("/Users/bob/Library/Application Support/multipass-client-certificate"),
                new Platform(MACOS, Map.of(), true).clientIdentityDirForHome(Path.of("/Users/bob")));
    }

    // ---- daemon data dir ----

    @Test
    void daemonDataDirAsRootIsVarLib() {
        assertEquals(Path.of("/var/lib/multipassd"), new Platform(LINUX, HOME, true).daemonDataDir());
        assertEquals(Path.of("/var/lib/multipassd"), new Platform(MACOS, HOME, true).daemonDataDir());
    }

    @Test
    void daemonDataDirAsAUserFollowsXdgDataHome() {
        assertEquals(Path.of("/home/alice/.local/share/multipassd"), linux(HOME).daemonDataDir());
        assertEquals(Path.of("/xdg/multipassd"), linux(Map.of("HOME", "/home/alice", "XDG_DATA_HOME", "/xdg")).daemonDataDir());
    }

    @Test
    void windowsDaemonDataDirIsInProgramData() {
        assertEquals(Path.of("C:\\ProgramData", "Multipass", "data"), new Platform(WINDOWS, WINDOWS_ENV, false).daemonDataDir());
        assertThrows(IllegalStateException.class, () -> new Platform(WINDOWS, Map.of(), false).daemonDataDir());
    }

    // ---- addresses ----

    @Test
    void systemAddresses() {
        assertEquals(new Address.Unix(Path.of("/run/multipass_socket")), linux(HOME).systemAddress());
        // Multipass itself uses /var/run on macOS, which has no /run.
        assertEquals(new Address.Unix(Path.of("/var/run/multipass_socket")), new Platform(MACOS, HOME, false).systemAddress());
        assertEquals(new Address.Tcp("localhost", 50051), new Platform(WINDOWS, WINDOWS_ENV, false).systemAddress());
    }

    @Test
    void clientUsesTheSystemSocketByDefault() {
        assertEquals("unix:/run/multipass_socket", linux(HOME).clientAddress().toString());
        assertEquals("unix:/run/multipass_socket", linux(Map.of("HOME", "/h", "MULTIPASS_SERVER_ADDRESS", "")).clientAddress().toString());
        assertEquals("localhost:50051", new Platform(WINDOWS, WINDOWS_ENV, false).clientAddress().toString());
    }

    @Test
    void clientFollowsMultipassServerAddress() {
        assertEquals(new Address.Unix(Path.of("/tmp/mp/socket")),
                linux(Map.of("MULTIPASS_SERVER_ADDRESS", "unix:/tmp/mp/socket")).clientAddress());
        assertEquals(new Address.Tcp("::1", 50051), new Platform(WINDOWS, Map.of("MULTIPASS_SERVER_ADDRESS", "[::1]:50051"), false).clientAddress());
    }

    @Test
    void anInvalidMultipassServerAddressIsReported() {
        Address.InvalidAddressException e = assertThrows(Address.InvalidAddressException.class,
                () -> linux(Map.of("MULTIPASS_SERVER_ADDRESS", "localhost")).clientAddress());
        assertEquals("missing port number in address 'localhost'", e.getMessage());
    }

    @Test
    void rootDaemonListensOnTheSystemSocket() {
        assertEquals(new Address.Unix(Path.of("/run/multipass_socket")),
                new Platform(LINUX, Map.of("XDG_RUNTIME_DIR", runtimeDir.toString()), true).daemonAddress());
    }

    @Test
    void userDaemonListensInXdgRuntimeDir() {
        assertEquals(new Address.Unix(runtimeDir.resolve("multipass_socket")),
                linux(Map.of("HOME", "/home/alice", "XDG_RUNTIME_DIR", runtimeDir.toString())).daemonAddress());
    }

    @Test
    void userDaemonWithoutAUsableRuntimeDirListensInItsDataDir() {
        Path fallback = Path.of("/home/alice/.local/share/multipassd/multipass_socket");
        assertEquals(new Address.Unix(fallback), linux(HOME).daemonAddress());
        assertEquals(new Address.Unix(fallback),
                linux(Map.of("HOME", "/home/alice", "XDG_RUNTIME_DIR", runtimeDir.resolve("missing").toString())).daemonAddress());
        assertEquals(new Address.Unix(fallback), linux(Map.of("HOME", "/home/alice", "XDG_RUNTIME_DIR", "")).daemonAddress());
    }

    @Test
    void windowsDaemonListensOnTcp() {
        assertEquals(new Address.Tcp("localhost", 50051), new Platform(WINDOWS, WINDOWS_ENV, false).daemonAddress());
    }

    // ---- help flag ----

    @Test
    void questionMarkIsHelpOnWindowsOnly() {
        Platform windows = new Platform(WINDOWS, WINDOWS_ENV, false);
        for (Platform platform : new Platform[] {linux(HOME), new Platform(MACOS, HOME, false), windows}) {
            assertTrue(platform.isHelpFlag("-h"));
            assertTrue(platform.isHelpFlag("--help"));
            assertFalse(platform.isHelpFlag("-help"));
            assertFalse(platform.isHelpFlag("help"));
        }
        assertTrue(windows.isHelpFlag("-?"));
        assertFalse(linux(HOME).isHelpFlag("-?"));
        assertFalse(new Platform(MACOS, HOME, false).isHelpFlag("-?"));
    }

    @Test
    void theEnvironmentIsCopied() {
        HashMap<String, String> env = new HashMap<>(HOME);
        Platform platform = linux(env);
        env.put("HOME", "/changed");
        assertEquals(Path.of("/home/alice/.local/share/multipassd"), platform.daemonDataDir());
        assertEquals(LINUX, platform.os());
        assertFalse(platform.root());
    }
}
