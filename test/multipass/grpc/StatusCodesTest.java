// SPDX-License-Identifier: Apache-2.0
package multipass.grpc;

import multipass.hpack.HeaderField;
import multipass.http2.ErrorCode;
import multipass.api.Status;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** {@link StatusCodes} and {@link ResponseStatus}: what a client makes of what the server sent. */
class StatusCodesTest {
    @Test
    void numbersAreGrpcsAndUnknownNumbersAreUnknown() {
        for (Status status : Status.values()) {
            assertEquals(status, StatusCodes.of(status.code()));
            assertEquals(status, StatusCodes.parse(Integer.toString(status.code())));
        }
        assertEquals(Status.UNAUTHENTICATED, StatusCodes.of(16));
        for (String odd : new String[] {"17", "-1", "", "OK", "1 ", "99999999999", "٣"}) {
            assertEquals(Status.UNKNOWN, StatusCodes.parse(odd), odd);
        }
    }

    @Test
    void httpStatusesMapAsTheSpecsTableSays() {
        int[][] table = {{400, 13}, {401, 16}, {403, 7}, {404, 12}, {429, 14}, {502, 14}, {503, 14}, {504, 14}, {100, 13}, {199, 13},
            {415, 2}, {500, 2}, {405, 2}, {302, 2}, {-1, 2}};
        for (int[] row : table) {
            assertEquals(StatusCodes.of(row[1]), StatusCodes.fromHttp(row[0]), "HTTP " + row[0]);
        }
    }

    @Test
    void resetsMapAsTheSpecsErrorsSectionSays() {
        assertEquals(Status.UNAVAILABLE, StatusCodes.fromReset(ErrorCode.REFUSED_STREAM));
        assertEquals(Status.CANCELLED, StatusCodes.fromReset(ErrorCode.CANCEL));
        assertEquals(Status.RESOURCE_EXHAUSTED, StatusCodes.fromReset(ErrorCode.ENHANCE_YOUR_CALM));
        assertEquals(Status.PERMISSION_DENIED, StatusCodes.fromReset(ErrorCode.INADEQUATE_SECURITY));
        for (ErrorCode code : new ErrorCode[] {ErrorCode.NO_ERROR, ErrorCode.PROTOCOL_ERROR, ErrorCode.INTERNAL_ERROR, ErrorCode.FLOW_CONTROL_ERROR}) {
            assertEquals(Status.INTERNAL, StatusCodes.fromReset(code), code.name());
        }
    }

    private static HeaderField field(String name, String value) {
        return new HeaderField(name, value);
    }

    @Test
    void statusAndMessageComeFromTheTrailers() {
        List<HeaderField> head = GrpcHeaders.responseHeaders();
        CallResult result = ResponseStatus.fromTrailers(head, List.of(field("grpc-status", "16"),
                field("grpc-message", PercentEncoding.encode(PercentEncodingTest.NOT_AUTHENTICATED)), field("x-caller", "alice")));
        assertEquals(Status.UNAUTHENTICATED, result.status());
        assertEquals(PercentEncodingTest.NOT_AUTHENTICATED, result.message());
        assertEquals(List.of(field("grpc-status", "16"), field("grpc-message", PercentEncoding.encode(PercentEncodingTest.NOT_AUTHENTICATED)),
                field("x-caller", "alice")), result.trailers());
        assertEquals(new CallResult(Status.OK, "", List.of(field("grpc-status", "0"))), ResponseStatus.fromTrailers(head, List.of(field("grpc-status", "0"))));
    }

    @Test
    void trailersOnlyCarryTheirOwnHttpStatus() {
        CallResult only = ResponseStatus.fromTrailers(null, GrpcHeaders.trailersOnly(200, Status.UNIMPLEMENTED, "Method not found: /a/b", List.of()));
        assertEquals(new CallResult(Status.UNIMPLEMENTED, "Method not found: /a/b",
                List.of(field("content-type", "application/grpc"), field("grpc-status", "12"), field("grpc-message", "Method not found: /a/b"))), only);
        // grpc-status wins over the HTTP status whenever present.
        assertEquals(Status.INTERNAL, ResponseStatus.fromTrailers(null, GrpcHeaders.trailersOnly(415, Status.INTERNAL, "x", List.of())).status());
        // Without it, the HTTP status is mapped.
        CallResult proxy = ResponseStatus.fromTrailers(null, List.of(field(":status", "503"), field("content-type", "text/html")));
        assertEquals(CallResult.local(Status.UNAVAILABLE, "HTTP status 503 from the server").status(), proxy.status());
        assertEquals("HTTP status 503 from the server", proxy.message());
    }

    @Test
    void aMissingGrpcStatusIsUnknown() {
        CallResult result = ResponseStatus.fromTrailers(GrpcHeaders.responseHeaders(), List.of(field("x-other", "1")));
        assertEquals(new CallResult(Status.UNKNOWN, "the server sent no grpc-status", List.of(field("x-other", "1"))), result);
    }

    @Test
    void responseHeadersThatAreNotGrpcAreNamed() {
        assertNull(ResponseStatus.notGrpc(GrpcHeaders.responseHeaders()));
        assertNull(ResponseStatus.notGrpc(List.of(field(":status", "200"), field("content-type", "application/grpc+proto"))));
        assertEquals(CallResult.local(Status.UNKNOWN, "content-type \"text/html\" from the server is not application/grpc"),
                ResponseStatus.notGrpc(List.of(field(":status", "200"), field("content-type", "text/html"))));
        assertEquals(CallResult.local(Status.UNIMPLEMENTED, "HTTP status 404 from the server"),
                ResponseStatus.notGrpc(List.of(field(":status", "404"))));
        assertEquals(CallResult.local(Status.UNKNOWN, "HTTP status (none) from the server"), ResponseStatus.notGrpc(List.of()));
    }
}
