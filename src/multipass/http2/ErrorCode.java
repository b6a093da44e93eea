// SPDX-License-Identifier: Apache-2.0
package multipass.http2;

/** HTTP/2 error codes (RFC 9113 section 7), carried by RST_STREAM and GOAWAY. */
public enum ErrorCode {
    NO_ERROR(0x0), PROTOCOL_ERROR(0x1), INTERNAL_ERROR(0x2), FLOW_CONTROL_ERROR(0x3), SETTINGS_TIMEOUT(0x4),
    STREAM_CLOSED(0x5), FRAME_SIZE_ERROR(0x6), REFUSED_STREAM(0x7), CANCEL(0x8), COMPRESSION_ERROR(0x9),
    CONNECT_ERROR(0xa), ENHANCE_YOUR_CALM(0xb), INADEQUATE_SECURITY(0xc), HTTP_1_1_REQUIRED(0xd);

    private final int code;

    ErrorCode(int code) {
        this.code = code;
    }

    /** The 32-bit code on the wire. */
    public int code() {
        return code;
    }

    /** The error with wire code {@code code}; an unknown code is INTERNAL_ERROR (RFC 9113 section 7). */
    public static ErrorCode of(long code) {
        for (ErrorCode e : values()) {
            if (e.code == code) {
                return e;
            }
        }
        return INTERNAL_ERROR;
    }
}
