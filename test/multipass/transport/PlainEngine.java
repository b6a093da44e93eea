// SPDX-License-Identifier: Apache-2.0
package multipass.transport;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLSession;
import java.nio.ByteBuffer;
import java.security.NoSuchAlgorithmException;

/**
 * An {@link SSLEngine} that does no cryptography: wrap and unwrap copy bytes, the handshake is
 * already over, and end of stream counts as a clean close (as if close_notify had come). It
 * lets tests drive {@link TlsChannel}'s buffering and {@link FrameChannel}'s framing over
 * scripted bytes at memory speed, hundreds of thousands of times, without a handshake each.
 * Its session is a real (unused) JSSE session, for the buffer sizes. Not thread-safe.
 */
final class PlainEngine extends SSLEngine {
    private static final SSLSession SESSION = session();

    private boolean inboundDone;
    private boolean outboundDone;

    private static SSLSession session() {
        try {
            return SSLContext.getDefault().createSSLEngine().getSession();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no default TLS context", e);
        }
    }

    @Override
    public SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst) {
        if (outboundDone) {
            return result(SSLEngineResult.Status.CLOSED, 0, 0);
        }
        int copied = 0;
        for (int i = offset; i < offset + length; i++) {
            copied += copy(srcs[i], dst);
        }
        return result(SSLEngineResult.Status.OK, copied, copied);
    }

    @Override
    public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int offset, int length) {
        if (inboundDone) {
            return result(SSLEngineResult.Status.CLOSED, 0, 0);
        }
        if (!src.hasRemaining()) {
            return result(SSLEngineResult.Status.BUFFER_UNDERFLOW, 0, 0);
        }
        int copied = 0;
        for (int i = offset; i < offset + length; i++) {
            copied += copy(src, dsts[i]);
        }
        return result(copied == 0 ? SSLEngineResult.Status.BUFFER_OVERFLOW : SSLEngineResult.Status.OK, copied, copied);
    }

    private static int copy(ByteBuffer from, ByteBuffer to) {
        int n = Math.min(from.remaining(), to.remaining());
        to.put(from.slice().limit(n));
        from.position(from.position() + n);
        return n;
    }

    private static SSLEngineResult result(SSLEngineResult.Status status, int consumed, int produced) {
        return new SSLEngineResult(status, HandshakeStatus.NOT_HANDSHAKING, consumed, produced);
    }

    @Override
    public Runnable getDelegatedTask() {
        return null;
    }

    @Override
    public void closeInbound() {
        inboundDone = true;
    }

    @Override
    public boolean isInboundDone() {
        return inboundDone;
    }

    @Override
    public void closeOutbound() {
        outboundDone = true;
    }

    @Override
    public boolean isOutboundDone() {
        return outboundDone;
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return new String[0];
    }

    @Override
    public String[] getEnabledCipherSuites() {
        return new String[0];
    }

    @Override
    public void setEnabledCipherSuites(String[] suites) {
        // nothing to configure: no cryptography
    }

    @Override
    public String[] getSupportedProtocols() {
        return new String[0];
    }

    @Override
    public String[] getEnabledProtocols() {
        return new String[0];
    }

    @Override
    public void setEnabledProtocols(String[] protocols) {
        // nothing to configure: no cryptography
    }

    @Override
    public SSLSession getSession() {
        return SESSION;
    }

    @Override
    public void beginHandshake() {
        // the handshake is already over
    }

    @Override
    public HandshakeStatus getHandshakeStatus() {
        return HandshakeStatus.NOT_HANDSHAKING;
    }

    @Override
    public void setUseClientMode(boolean mode) {
        // both ends behave the same
    }

    @Override
    public boolean getUseClientMode() {
        return false;
    }

    @Override
    public void setNeedClientAuth(boolean need) {
        // no certificates
    }

    @Override
    public boolean getNeedClientAuth() {
        return false;
    }

    @Override
    public void setWantClientAuth(boolean want) {
        // no certificates
    }

    @Override
    public boolean getWantClientAuth() {
        return false;
    }

    @Override
    public void setEnableSessionCreation(boolean flag) {
        // no sessions
    }

    @Override
    public boolean getEnableSessionCreation() {
        return false;
    }
}
