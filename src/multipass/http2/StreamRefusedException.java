// SPDX-License-Identifier: Apache-2.0
package multipass.http2;

import java.io.IOException;

/**
 * Sending on a stream the peer refused before processing it: a GOAWAY whose last stream is
 * below it, or RST_STREAM REFUSED_STREAM (RFC 9113 section 8.7). Nothing of the stream was
 * acted on, so its request may be retried, on a new connection after a GOAWAY; the stream's
 * listener gets (or has got) onReset(REFUSED_STREAM).
 */
public final class StreamRefusedException extends IOException {
    private static final long serialVersionUID = 1L;

    StreamRefusedException(String message) {
        super(message);
    }
}
