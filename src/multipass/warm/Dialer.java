// SPDX-License-Identifier: Apache-2.0
package multipass.warm;

import multipass.transport.FrameChannel;

import java.io.IOException;

/**
 * Opens the verified TLS connection to a target's daemon, exactly as the CLI does on its
 * direct path (the CLI supplies it: the warm client adds no way of its own to reach a daemon).
 */
@FunctionalInterface
public interface Dialer {
    FrameChannel dial(WarmTarget target) throws IOException;
}
