// SPDX-License-Identifier: Apache-2.0
package multipass.api;

/**
 * Reply status codes, with gRPC's names and numbers (Multipass speaks gRPC, so its users and
 * scripts know these names).
 */
public enum Status {
    OK, CANCELLED, UNKNOWN, INVALID_ARGUMENT, DEADLINE_EXCEEDED, NOT_FOUND, ALREADY_EXISTS,
    PERMISSION_DENIED, RESOURCE_EXHAUSTED, FAILED_PRECONDITION, ABORTED, OUT_OF_RANGE,
    UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS, UNAUTHENTICATED;

    private static final Status[] BY_CODE = values();

    /** The gRPC numeric code, which is what travels on the wire. */
    public int code() {
        return ordinal();
    }

    /** The status with gRPC code {@code code}; a code this build does not know is {@link #UNKNOWN}, as gRPC says. */
    public static Status of(long code) {
        return code < 0 || code >= BY_CODE.length ? UNKNOWN : BY_CODE[(int) code];
    }
}
