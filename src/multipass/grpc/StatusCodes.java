// SPDX-License-Identifier: Apache-2.0
package multipass.grpc;

import multipass.http2.ErrorCode;
import multipass.api.Status;

/**
 * gRPC status codes as numbers and as what a client may see instead of one: the HTTP status
 * of a response without {@code grpc-status} (grpc's doc/http-grpc-status-mapping.md, which
 * doc/PROTOCOL-HTTP2.md refers to) and the RST_STREAM codes of doc/PROTOCOL-HTTP2.md's
 * "Errors" section. Stateless.
 */
public final class StatusCodes {
    private static final Status[] BY_CODE = Status.values();

    private StatusCodes() {
    }

    /** The status with gRPC code {@code code}; UNKNOWN for a number gRPC does not define. */
    public static Status of(long code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[(int) code] : Status.UNKNOWN;
    }

    /**
     * The status a {@code grpc-status} value stands for: 1*DIGIT in the grammar; a value that
     * is not a number is UNKNOWN (it is not OK, and says nothing more).
     */
    public static Status parse(String value) {
        if (value.isEmpty() || value.length() > 9) {
            return Status.UNKNOWN;
        }
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) < '0' || value.charAt(i) > '9') {
                return Status.UNKNOWN;
            }
        }
        return of(Integer.parseInt(value));
    }

    /** The status for a response with HTTP status {@code httpStatus} and no grpc-status. */
    public static Status fromHttp(int httpStatus) {
        return switch (httpStatus) {
            case 400 -> Status.INTERNAL;
            case 401 -> Status.UNAUTHENTICATED;
            case 403 -> Status.PERMISSION_DENIED;
            case 404 -> Status.UNIMPLEMENTED;
            case 429, 502, 503, 504 -> Status.UNAVAILABLE;
            default -> httpStatus >= 100 && httpStatus < 200 ? Status.INTERNAL : Status.UNKNOWN;
        };
    }

    /** The status for a stream the server reset with {@code code} before its trailers. */
    public static Status fromReset(ErrorCode code) {
        return switch (code) {
            case REFUSED_STREAM -> Status.UNAVAILABLE;
            case CANCEL -> Status.CANCELLED;
            case ENHANCE_YOUR_CALM -> Status.RESOURCE_EXHAUSTED;
            case INADEQUATE_SECURITY -> Status.PERMISSION_DENIED;
            default -> Status.INTERNAL;
        };
    }
}
