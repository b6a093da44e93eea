// SPDX-License-Identifier: Apache-2.0
package multipass.daemon;

import multipass.instances.Backends;
import multipass.serve.Settings;
import multipass.tls.DaemonIdentity;
import multipass.trust.TrustStore;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the daemon keeps in its data directory, named once from the constants of the classes
 * that own each file: the trust store, the settings, the daemon's TLS identity (in
 * {@code certificates/}), the instance backend's files, and the lock. {@link Daemon} checks and
 * cleans these at start; {@link DataDir} cleans the same list.
 */
final class DataLayout {
    /** The directory of the daemon's TLS identity, relative to the data directory. */
    static final Path IDENTITY_DIR = Path.of("certificates");
    /** The lock file a running daemon (or the installer) holds. */
    static final String LOCK_FILE = "multipassd.lock";

    private DataLayout() {
    }

    /** The files that must be the daemon's own and not writable by others before it starts (absent ones are fine). */
    static List<Path> guardedFiles() {
        List<Path> files = new ArrayList<>(List.of(TrustStore.RELATIVE_PATH, TrustStore.JOURNAL_RELATIVE_PATH, Path.of(Settings.FILE), IDENTITY_DIR.resolve(DaemonIdentity.KEY_FILE)));
        files.addAll(Backends.dataFiles());
        return files;
    }

    /** The files the daemon replaces atomically, whose leftover temporary files a crash may leave. */
    static List<Path> replacedFiles() {
        List<Path> files = new ArrayList<>(guardedFiles());
        files.add(IDENTITY_DIR.resolve(DaemonIdentity.CERT_FILE));
        files.add(IDENTITY_DIR.resolve(DaemonIdentity.CA_FILE));
        return files;
    }
}
