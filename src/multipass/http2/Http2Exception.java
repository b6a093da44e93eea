// SPDX-License-Identifier: Apache-2.0
package multipass.http2;

import java.io.IOException;

/**
 * A violation of RFC 9113 (section 5.4): a connection error (stream 0), after which the
 * connection sends GOAWAY with {@link #code()} and closes, or a stream error, after which only
 * that stream is reset with RST_STREAM. Thrown where the violation is detected; the connection
 * decides what to send. {@link Http2Connection#run()} ends with the connection error it sent.
 */
public final class Http2Exception extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient ErrorCode code;
    private final int streamId;

    private Http2Exception(ErrorCode code, int streamId, String message) {
        super(message);
        this.code = code;
        this.streamId = streamId;
    }

    /** A connection error (RFC 9113 section 5.4.1). */
    static Http2Exception connection(ErrorCode code, String message) {
        return new Http2Exception(code, 0, message);
    }

    /** A stream error on {@code streamId} (RFC 9113 section 5.4.2). */
    static Http2Exception stream(int streamId, ErrorCode code, String message) {
        return new Http2Exception(code, streamId, message);
    }

    /** The error code sent to the peer. */
    public ErrorCode code() {
        return code;
    }

    /** The stream that was reset, or 0 for a connection error. */
    public int streamId() {
        return streamId;
    }

    /** True for a connection error. */
    public boolean isConnectionError() {
        return streamId == 0;
    }

    @Override
    public String getMessage() {
        String where = streamId == 0 ? "connection error " : "stream " + streamId + " error ";
        return where + code + ": " + super.getMessage();
    }
}
