// SPDX-License-Identifier: Apache-2.0
package multipass.protocol;

/** A peer that speaks another version of the protocol; the message says which. */
public final class VersionMismatchException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    private final int peerVersion;

    VersionMismatchException(int peerVersion) {
        super("protocol version mismatch: the peer speaks version " + peerVersion + ", this build speaks version " + MessageCodec.VERSION
                + "; install the same multipass version for the client and the daemon");
        this.peerVersion = peerVersion;
    }

    /** The version the peer announced. */
    public int peerVersion() {
        return peerVersion;
    }
}
