// SPDX-License-Identifier: Apache-2.0
package multipass.cli;

/** Opens a verified connection to the daemon. */
@FunctionalInterface
interface DaemonConnector {
    DaemonConnection connect() throws ClientFailure;
}
