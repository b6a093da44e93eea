// SPDX-License-Identifier: Apache-2.0
package multipass.platform;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@link Address}: both syntaxes, IPv6 in brackets, {@code toString} giving back the text,
 * and the exact error messages of SPEC section 2 that Multipass users know.
 */
class AddressTest {
    @Test
    void unixSocket() {
        Address address = Address.parse("unix:/run/multipass_socket");
        assertEquals(new Address.Unix(Path.of("/run/multipass_socket")), address);
        assertEquals("unix:/run/multipass_socket", address.toString());
        assertEquals(UnixDomainSocketAddress.of("/run/multipass_socket"), address.socketAddress());
    }

    @Test
    void hostAndPort() {
        Address address = Address.parse("localhost:50051");
        assertEquals(new Address.Tcp("localhost", 50051), address);
        assertEquals("localhost:50051", address.toString());
        InetSocketAddress socket = (InetSocketAddress) address.socketAddress();
        assertEquals(50051, socket.getPort());
        assertEquals("localhost", socket.getHostString());
    }

    @Test
    void ipv4AndPortBounds() {
        assertEquals(new Address.Tcp("127.0.0.1", 1), Address.parse("127.0.0.1:1"));
        assertEquals(new Address.Tcp("10.0.0.1", 65535), Address.parse("10.0.0.1:65535"));
    }

    @Test
    void ipv6InBrackets() {
        Address address = Address.parse("[::1]:50051");
        assertEquals(new Address.Tcp("::1", 50051), address);
        assertEquals("[::1]:50051", address.toString());
        assertEquals(50051, ((InetSocketAddress) address.socketAddress()).getPort());
        assertEquals("[fe80::1:2]:8080", Address.parse("[fe80::1:2]:8080").toString());
    }

    @Test
    void toStringParsesBackToTheSameAddress() {
        for (String text : new String[] {"unix:/tmp/x y/socket", "localhost:50051", "[::1]:1", "example.com:443"}) {
            assertEquals(text, Address.parse(text).toString());
            assertEquals(Address.parse(text), Address.parse(Address.parse(text).toString()));
        }
    }

    @Test
    void missingSocketFile() {
        assertError("unix:", "missing socket file in address 'unix:'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "localhost:", "[::1]:", "example.com:"})
    void missingPortNumber(String text) {
        assertError(text, "missing port number in address '" + text + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost:abc", "localhost:0", "localhost:65536", "localhost:-1", "localhost:+80", "localhost:99999999999",
        "localhost:50051 ", "[::1]:x"})
    void invalidPortNumber(String text) {
        assertError(text, "invalid port number in address '" + text + "'");
    }

    @Test
    void relativeSocketPath() {
        assertError("unix:run/socket", "socket file must be an absolute path in address 'unix:run/socket'");
    }

    @Test
    void missingHost() {
        assertError(":50051", "missing host in address ':50051'");
    }

    @Test
    void ipv6WithoutBrackets() {
        assertError("::1:50051", "invalid address '::1:50051': write IPv6 hosts in brackets, e.g. [::1]:50051");
    }

    @Test
    void bracketedIpv6WithoutPortIsMissingThePort() {
        assertError("[::1]", "missing port number in address '[::1]'");
    }

    private static void assertError(String text, String message) {
        Address.InvalidAddressException e = assertThrows(Address.InvalidAddressException.class, () -> Address.parse(text));
        assertEquals(message, e.getMessage());
    }
}
