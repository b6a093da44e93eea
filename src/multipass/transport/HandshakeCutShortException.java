// SPDX-License-Identifier: Apache-2.0
package multipass.transport;

import javax.net.ssl.SSLException;
import java.io.IOException;

/**
 * The connection ended before the TLS handshake was over: the peer closed it (or could no
 * longer be written to) without a TLS alert. On the client this usually means the daemon
 * refused the connection (too many open), not that anything failed verification.
 */
public final class HandshakeCutShortException extends SSLException {
    private static final long serialVersionUID = 1L;

    HandshakeCutShortException(IOException cause) {
        super("the connection ended before the TLS handshake was over: " + cause.getMessage(), cause);
    }
}
