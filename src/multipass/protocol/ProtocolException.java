// SPDX-License-Identifier: Apache-2.0
package multipass.protocol;

import java.io.IOException;

/** A frame or message that breaks the wire format of {@code docs/protocol.md}. */
public class ProtocolException extends IOException {
    private static final long serialVersionUID = 1L;

    public ProtocolException(String message) {
        super(message);
    }
}
