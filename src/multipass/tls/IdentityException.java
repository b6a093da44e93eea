// SPDX-License-Identifier: Apache-2.0
package multipass.tls;

/** A TLS identity (key and certificate) that cannot be loaded, generated or stored. */
public final class IdentityException extends Exception {
    private static final long serialVersionUID = 1L;

    public IdentityException(String message) {
        super(message);
    }

    public IdentityException(String message, Throwable cause) {
        super(message, cause);
    }
}
