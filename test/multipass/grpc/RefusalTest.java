// SPDX-License-Identifier: Apache-2.0
package multipass.grpc;

import multipass.hpack.HeaderField;
import multipass.api.Status;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Refusal} and {@link GrpcHeaders}: which Request-Headers start a call, and the blocks a server sends. */
class RefusalTest {
    private static List<HeaderField> request(String method, String path, String contentType) {
        List<HeaderField> headers = new ArrayList<>();
        headers.add(new HeaderField(":method", method));
        headers.add(new HeaderField(":scheme", "https"));
        headers.add(new HeaderField(":path", path));
        if (contentType != null) {
            headers.add(new HeaderField("content-type", contentType));
        }
        return headers;
    }

    @Test
    void aGoodRequestStartsACall() {
        assertNull(Refusal.of(request("POST", "/multipass.Rpc/list", "application/grpc")));
        assertNull(Refusal.of(request("POST", "/multipass.Rpc/list", "application/grpc+proto")));
        assertNull(Refusal.of(request("POST", "/multipass.Rpc/list", "application/grpc; charset=x")));
    }

    @Test
    void eachFaultIsNamed() {
        assertEquals(new Refusal(405, Status.INTERNAL, "method \"GET\" is not POST", List.of()), Refusal.of(request("GET", "/a/b", "application/grpc")));
        assertEquals(new Refusal(415, Status.INTERNAL, "content-type \"application/json\" is not application/grpc", List.of()),
                Refusal.of(request("POST", "/a/b", "application/json")));
        assertEquals(new Refusal(415, Status.INTERNAL, "content-type (none) is not application/grpc", List.of()), Refusal.of(request("POST", "/a/b", null)));
        assertEquals(415, Refusal.of(request("POST", "/a/b", "application/grpcx")).httpStatus());
        assertEquals(new Refusal(200, Status.UNIMPLEMENTED, "malformed method name: \"/a\"", List.of()), Refusal.of(request("POST", "/a", "application/grpc")));
        List<HeaderField> gzip = request("POST", "/a/b", "application/grpc");
        gzip.add(new HeaderField("grpc-encoding", "gzip"));
        assertEquals(new Refusal(200, Status.UNIMPLEMENTED, "grpc-encoding \"gzip\" is not supported", List.of(new HeaderField("grpc-accept-encoding", "identity"))),
                Refusal.of(gzip));
    }

    @Test
    void methodPaths() {
        for (String good : new String[] {"/a/b", "/multipass.Rpc/authenticate", "/x.y.Z/M_1"}) {
            assertTrue(Refusal.isMethodPath(good), good);
        }
        for (String bad : new String[] {"", "/", "//", "/a/", "//b", "a/b", "/a/b/c", "/ab", "*"}) {
            assertFalse(Refusal.isMethodPath(bad), bad);
        }
        assertFalse(Refusal.isMethodPath(null));
    }

    @Test
    void trailersCarryStatusMessageAndMetadata() {
        assertEquals(List.of(new HeaderField("grpc-status", "0")), GrpcHeaders.trailers(Status.OK, "", List.of()));
        assertEquals(List.of(new HeaderField(":status", "200"), new HeaderField("content-type", "application/grpc"), new HeaderField("grpc-status", "12"),
                new HeaderField("grpc-message", "no%0Asuch"), new HeaderField("x-a", "b")),
                GrpcHeaders.trailersOnly(200, Status.UNIMPLEMENTED, "no\nsuch", List.of(new HeaderField("x-a", "b"))));
        for (String reserved : new String[] {"grpc-status", ":status", "Upper", ""}) {
            assertThrows(IllegalArgumentException.class, () -> GrpcHeaders.trailers(Status.OK, null, List.of(new HeaderField(reserved, "1"))), reserved);
        }
    }
}
