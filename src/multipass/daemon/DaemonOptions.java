// SPDX-License-Identifier: Apache-2.0
package multipass.daemon;

import multipass.platform.Address;
import multipass.api.LogLevel;

import java.nio.file.Path;

/**
 * The daemon's parsed command line, with platform defaults filled in.
 *
 * @param rendezvousDir where a TCP daemon publishes its CA for clients
 * @param installUser   for {@code --install}: the user to enrol, or null for the default
 * @param rootCertCopy  where to write a copy of the daemon's root certificate at every start
 *                      (for Canonical's client: {@code multipass_root_cert.pem}), or null
 */
public record DaemonOptions(Address address, Path dataDir, String adminGroup, LogLevel verbosity, Path rendezvousDir,
                            boolean install, String installUser, Path rootCertCopy) {
    /** The options without a copy of the root certificate. */
    public DaemonOptions(Address address, Path dataDir, String adminGroup, LogLevel verbosity, Path rendezvousDir, boolean install,
                         String installUser) {
        this(address, dataDir, adminGroup, verbosity, rendezvousDir, install, installUser, null);
    }
}
