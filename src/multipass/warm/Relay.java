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

/**
 * One command handed to the warm client, from its hello to the daemon's reply:
 *
 * <pre>
 *   CLI ── hello (build, address, identity) ──► warm ── TLS handshake ──► daemon
 *   CLI ◄── OK (or a refusal: the CLI goes direct) ── warm
 *   CLI ── request frame ──► warm ── the same bytes ──► daemon         (the hand-over)
 *   CLI ◄── every frame, verbatim, up to the reply ── warm ◄── daemon
 * </pre>
 *
 * The request frame is never decoded here (it may hold a passphrase) and its bytes are zeroed
 * once sent. If the daemon's side fails after the hand-over, the CLI's connection is closed
 * without a reply, which the CLI reports as a cut connection; it never resends. One thread.
 */
final class Relay {
    static final String HELLO = "warm-hello";

    private final WarmTarget target;
    private final Dialer dialer;

    Relay(WarmTarget target, Dialer dialer) {
        this.target = target;
        this.dialer = dialer;
    }

    /** Serves one CLI connection; closes it. */
    void serve(FrameChannel cli) throws IOException {
        try (cli) {
            Message hello = cli.receive();
            if (!(hello instanceof Request request) || !request.command().equals(HELLO) || !request.args().equals(List.of(target.hello()))) {
                cli.send(Reply.error(Status.FAILED_PRECONDITION, "this warm client serves another build, daemon or identity"));
                return;
            }
            FrameChannel daemon;
            try {
                daemon = dialer.dial(target);
            } catch (IOException e) {
                // The CLI goes direct and meets the same failure, with its exact message and exit code.
                cli.send(Reply.error(Status.UNAVAILABLE, "cannot reach the daemon: " + e.getMessage()));
                return;
            }
            try (daemon) {
                cli.send(Reply.ok());
                handOver(cli, daemon);
            }
        }
    }

    private static void handOver(FrameChannel cli, FrameChannel daemon) throws IOException {
        byte[] request = cli.receiveBody();
        if (request == null) {
            return; // the CLI left before handing anything over
        }
        try {
            daemon.sendBody(request);
        } finally {
            Arrays.fill(request, (byte) 0);
        }
        while (true) {
            byte[] frame = daemon.receiveBody();
            if (frame == null) {
                return; // the daemon closed: the CLI sees its connection end without a reply
            }
            cli.sendBody(frame);
            if (isReply(frame)) {
                return;
            }
        }
    }

    /** True for the reply, the request's last frame; a frame that does not decode ends the relay (the CLI rejects it too). */
    private static boolean isReply(byte[] frame) {
        try {
            return MessageCodec.decode(frame) instanceof Reply;
        } catch (ProtocolException e) {
            return true;
        }
    }
}
