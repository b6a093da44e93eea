// SPDX-License-Identifier: Apache-2.0
package multipass.warm;

import multipass.protocol.Message;
import multipass.protocol.MessageCodec;
import multipass.protocol.ProtocolException;
import multipass.protocol.Reply;
import multipass.protocol.Request;
import multipass.protocol.Status;
import multipass.transport.FrameChannel;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * One command handed to the warm client, from its hello to the daemon's reply:
 *
 * <pre>
 *   CLI ── hello (build, address, identity) ──► warm ── the spare connection, or a new TLS one ──► daemon
 *   CLI ◄── OK (or a refusal: the CLI goes direct) ── warm
 *   CLI ── request frame ──► warm ── the same bytes ──► daemon         (the hand-over)
 *   CLI ◄── every frame, verbatim, up to the reply ── warm ◄── daemon
 * </pre>
 *
 * The request frame is never decoded here (it may hold a passphrase) and its bytes are zeroed
 * once sent. If the daemon's side fails after the hand-over, the CLI's connection is closed
 * without a reply, which the CLI reports as a cut connection; it never resends. A connection
 * whose reply went through whole is kept as the {@link SpareConnection} for the next command.
 * One thread per command.
 */
final class Relay {
    static final String HELLO = "warm-hello";

    private final WarmTarget target;
    private final Dialer dialer;
    private final SpareConnection spare;

    Relay(WarmTarget target, Dialer dialer) {
        this.target = target;
        this.dialer = dialer;
        this.spare = new SpareConnection(target.identityDir());
    }

    /** Serves one CLI connection; closes it. */
    void serve(FrameChannel cli) throws IOException {
        try (cli) {
            Message hello = cli.receive();
            if (!(hello instanceof Request request) || !request.command().equals(HELLO) || !request.args().equals(List.of(target.hello()))) {
                cli.send(Reply.error(Status.FAILED_PRECONDITION, "this warm client serves another build, daemon or identity"));
                return;
            }
            SpareConnection.Connection daemon;
            try {
                daemon = connection();
            } catch (IOException e) {
                // The CLI goes direct and meets the same failure, with its exact message and exit code.
                cli.send(Reply.error(Status.UNAVAILABLE, "cannot reach the daemon: " + e.getMessage()));
                return;
            }
            relay(cli, daemon);
        }
    }

    /** The spare connection if it is still fit, else a new one. */
    private SpareConnection.Connection connection() throws IOException {
        Optional<SpareConnection.Connection> kept = spare.take();
        if (kept.isPresent()) {
            return kept.get();
        }
        List<Object> identity = spare.identityNow(); // before the dial: a change during it is seen next time
        return new SpareConnection.Connection(dialer.dial(target), identity);
    }

    /** Closes the spare connection (the warm client is going). */
    void close() {
        spare.close();
    }

    private void relay(FrameChannel cli, SpareConnection.Connection daemon) throws IOException {
        boolean whole = false;
        try {
            cli.send(Reply.ok());
            whole = handOver(cli, daemon.frames());
        } finally {
            if (whole) {
                spare.keep(daemon);
            } else {
                SpareConnection.close(daemon);
            }
        }
    }

    /** Relays one request and its frames; true if the daemon's reply went through whole, leaving the connection reusable. */
    private static boolean handOver(FrameChannel cli, FrameChannel daemon) throws IOException {
        byte[] request = cli.receiveBody();
        if (request == null) {
            return true; // the CLI left before handing anything over: the connection is unused
        }
        try {
            daemon.sendBody(request);
        } finally {
            Arrays.fill(request, (byte) 0);
        }
        while (true) {
            byte[] frame = daemon.receiveBody();
            if (frame == null) {
                return false; // the daemon closed: the CLI sees its connection end without a reply
            }
            cli.sendBody(frame);
            Optional<Boolean> reply = isReply(frame);
            if (reply.isEmpty()) {
                return false; // a frame with a wrong header ends the relay (the CLI rejects it too)
            }
            if (reply.get()) {
                return true;
            }
        }
    }

    /** Whether the frame is the reply, the request's last frame, from its header (the CLI decodes it); empty if the header is wrong. */
    private static Optional<Boolean> isReply(byte[] frame) {
        try {
            return Optional.of(MessageCodec.isReply(frame));
        } catch (ProtocolException e) {
            return Optional.empty();
        }
    }
}
