// SPDX-License-Identifier: Apache-2.0
package multipass.warm;

import multipass.http2.Http2Connection;

import java.io.IOException;

/**
 * Opens the verified TLS connection to a target's daemon, with HTTP/2 running on it, exactly
 * as the CLI does on its direct path (the CLI supplies it: the warm client adds no way of its
 * own to reach a daemon).
 */
@FunctionalInterface
public interface Dialer {
    Http2Connection dial(WarmTarget target) throws IOException;
}
