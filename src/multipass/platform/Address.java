// SPDX-License-Identifier: Apache-2.0
package multipass.platform;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;

/**
 * A daemon address: {@code unix:<absolute path>} or {@code <host>:<port>} (IPv6 in brackets,
 * {@code [::1]:50051}). The same syntax serves {@code --address} and
 * {@code MULTIPASS_SERVER_ADDRESS}. Immutable.
 */
public sealed interface Address permits Address.Unix, Address.Tcp {
    /** The socket address to bind or connect to. */
    SocketAddress socketAddress();

    /** A Unix domain socket at an absolute path. */
    record Unix(Path path) implements Address {
        @Override
        public SocketAddress socketAddress() {
            return UnixDomainSocketAddress.of(path);
        }

        @Override
        public String toString() {
            return "unix:" + path;
        }
    }

    /** A TCP endpoint. */
    record Tcp(String host, int port) implements Address {
        @Override
        public SocketAddress socketAddress() {
            return new InetSocketAddress(host, port);
        }

        @Override
        public String toString() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /** Parses {@code text}, failing with the messages Multipass users know. */
    public static Address parse(String text) {
        if (text.startsWith("unix:")) {
            String path = text.substring("unix:".length());
            if (path.isEmpty()) {
                throw new InvalidAddressException("missing socket file in address '" + text + "'");
            }
            if (!Path.of(path).isAbsolute()) {
                throw new InvalidAddressException("socket file must be an absolute path in address '" + text + "'");
            }
            return new Unix(Path.of(path));
        }
        String host;
        String port;
        if (text.startsWith("[") && text.contains("]")) {
            int close = text.indexOf(']');
            host = text.substring(1, close);
            String rest = text.substring(close + 1);
            if (!rest.isEmpty() && !rest.startsWith(":")) {
                throw new InvalidAddressException("invalid address '" + text + "': expected ':<port>' after ']'");
            }
            port = rest.isEmpty() ? "" : rest.substring(1);
        } else {
            int colon = text.lastIndexOf(':');
            host = colon < 0 ? text : text.substring(0, colon);
            port = colon < 0 ? "" : text.substring(colon + 1);
        }
        if (!text.startsWith("[") && (host.contains(":") || host.contains("[") || host.contains("]"))) {
            throw new InvalidAddressException("invalid address '" + text + "': write IPv6 hosts in brackets, e.g. [::1]:50051");
        }
        if (port.isEmpty()) {
            throw new InvalidAddressException("missing port number in address '" + text + "'");
        }
        if (host.isEmpty()) {
            throw new InvalidAddressException("missing host in address '" + text + "'");
        }
        int number;
        try {
            number = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new InvalidAddressException("invalid port number in address '" + text + "'");
        }
        if (number < 1 || number > 65535 || !port.chars().allMatch(Character::isDigit)) {
            throw new InvalidAddressException("invalid port number in address '" + text + "'");
        }
        return new Tcp(host, number);
    }

    /** An address that does not parse; the message is the one to show the user. */
    final class InvalidAddressException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        InvalidAddressException(String message) {
            super(message);
        }
    }
}
