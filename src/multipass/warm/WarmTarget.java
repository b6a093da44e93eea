// SPDX-License-Identifier: Apache-2.0
package multipass.warm;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What one warm client serves: one daemon address, one client identity (its directory), for
 * one build of this program, on behalf of the user who owns {@code runtimeDir}. Two commands
 * with the same target share a warm client; anything else gets its own. The socket's name is a
 * hash of the target; the full target travels in the hello, so a hash collision can only send
 * a command the direct way, never to the wrong daemon or identity. Immutable.
 *
 * @param address        the daemon's address, as {@code MULTIPASS_SERVER_ADDRESS} spells it
 * @param identityDir    the client identity directory (certificate and key)
 * @param rendezvousDirs where a TCP daemon's CA is looked up
 * @param configFile     the user's client configuration file (where {@code client.persist} lives)
 * @param runtimeDir     the private directory of the warm clients' sockets
 * @param build          {@link Build#stamp()} of the program that serves or asks
 */
public record WarmTarget(String address, Path identityDir, List<Path> rendezvousDirs, Path configFile, Path runtimeDir, String build) {
    public WarmTarget {
        rendezvousDirs = List.copyOf(rendezvousDirs);
    }

    /** The target of this build (the one running now). */
    public static WarmTarget of(String address, Path identityDir, List<Path> rendezvousDirs, Path configFile, Path runtimeDir) {
        return new WarmTarget(address, identityDir, rendezvousDirs, configFile, runtimeDir, Build.stamp());
    }

    /** The target's socket: {@code <runtimeDir>/<hash>.sock}. */
    public Path socket() {
        return runtimeDir.resolve(name() + ".sock");
    }

    /** The lock file that lets one process at a time serve the target. */
    Path lockFile() {
        return runtimeDir.resolve(name() + ".lock");
    }

    /** What the CLI and the warm client compare before a request is handed over. */
    String hello() {
        return build + "\n" + address + "\n" + identityDir.toAbsolutePath().normalize();
    }

    /** 64-bit FNV-1a of the hello, in hex: short enough for any socket path, unique enough to avoid sharing. */
    private String name() {
        long hash = 0xcbf29ce484222325L;
        for (byte b : hello().getBytes(StandardCharsets.UTF_8)) {
            hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
        }
        String hex = Long.toHexString(hash); // not String.format: its parser is a cost at every CLI start
        return "0".repeat(16 - hex.length()) + hex;
    }

    /** The warm client's command-line arguments for this target (after the hidden entry's name). */
    List<String> toArgs() {
        List<String> args = new ArrayList<>(List.of(address, identityDir.toString(), configFile.toString(), runtimeDir.toString()));
        rendezvousDirs.forEach(dir -> args.add(dir.toString()));
        return args;
    }

    /** The target {@link #toArgs()} describes, for the build running now. */
    static WarmTarget fromArgs(List<String> args) {
        if (args.size() < 4) {
            throw new IllegalArgumentException("a warm client needs an address, an identity dir, a config file and a runtime dir");
        }
        List<Path> rendezvous = args.subList(4, args.size()).stream().map(Path::of).toList();
        return new WarmTarget(args.get(0), Path.of(args.get(1)), rendezvous, Path.of(args.get(2)), Path.of(args.get(3)), Build.stamp());
    }
}
