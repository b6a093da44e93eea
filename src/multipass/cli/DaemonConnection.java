// SPDX-License-Identifier: Apache-2.0
package multipass.cli;

import multipass.platform.Address;
import multipass.protocol.LogLine;
import multipass.protocol.Reply;
import multipass.protocol.Request;
import multipass.tls.ClientIdentity;
import multipass.transport.FrameChannel;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The client's verified connection to the daemon: directly over mutual TLS ({@link #open},
 * made by {@link DaemonDial}), or through the user's warm client ({@link #relayed}), which holds
 * that TLS connection for it. A request, possibly holding a passphrase, is sent only over one
 * of these. This class names no TLS type, so a command on the warm path loads none.
 * Not thread-safe.
 */
final class DaemonConnection implements AutoCloseable {
    private final FrameChannel frames;
    private final String address;
    private final Path identityDir;

    /** A connection to the daemon at {@code address}, as the identity kept in {@code identityDir}. */
    DaemonConnection(FrameChannel frames, String address, Path identityDir) {
        this.frames = frames;
        this.address = address;
        this.identityDir = identityDir;
    }

    /** The daemon's address, as {@code MULTIPASS_SERVER_ADDRESS} spells it. */
    String address() {
        return address;
    }

    /** The certificate file of the identity this connection presents (a constant: no TLS class is loaded). */
    Path certificateFile() {
        return identityDir.resolve(ClientIdentity.CERT_FILE);
    }

    /**
     * Connects to {@code address} as the identity kept in {@code identityDir}; for TCP the
     * daemon's CA is looked up in {@code rendezvousDirs}.
     */
    static DaemonConnection open(Address address, Path identityDir, List<Path> rendezvousDirs) throws ClientFailure {
        return DaemonDial.open(address, identityDir, rendezvousDirs);
    }

    /** A connection through the user's warm client (package {@code warm}), which holds the TLS connection to {@code address}. */
    static DaemonConnection relayed(FrameChannel frames, String address, Path identityDir) {
        return new DaemonConnection(frames, address, identityDir);
    }

    /** The verified frames, for the warm client to relay through. */
    FrameChannel frames() {
        return frames;
    }

    /**
     * Sends {@code request}, passes log lines to {@code logs} and the records of a reply streamed
     * over several frames to {@code batches} as they arrive; returns the final reply message
     * (its status, message and the last records).
     */
    Reply call(Request request, Consumer<LogLine> logs, Consumer<List<Map<String, String>>> batches) throws ClientFailure {
        try {
            frames.send(request);
            return frames.receiveReply(logs, batches);
        } catch (EOFException e) {
            throw new ClientFailure(e.getMessage(), null, e);
        } catch (IOException e) {
            throw new ClientFailure("connection to the daemon failed: " + e.getMessage(), null, e);
        }
    }

    @Override
    public void close() {
        try {
            frames.close();
        } catch (IOException e) {
            // The reply is in hand; a failed close_notify changes nothing for the user.
            return;
        }
    }
}
