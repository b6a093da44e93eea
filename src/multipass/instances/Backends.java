// SPDX-License-Identifier: Apache-2.0
package multipass.instances;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * Chooses the daemon's instance {@link Backend}: the one place that names a backend class.
 * Today that is always the {@link InventoryBackend} (it records instances, no virtual machine
 * runs); a hypervisor backend would be chosen here.
 */
public final class Backends {
    private Backends() {
    }

    /** The backend for the daemon whose data directory is {@code dataDir}. */
    public static Backend open(Path dataDir, Clock clock) throws IOException {
        return InventoryBackend.open(dataDir, clock);
    }

    /** The files the backend keeps in the data directory (relative to it), replaced atomically. */
    public static List<Path> dataFiles() {
        return List.of(Path.of(InventoryBackend.FILE), Path.of(InventoryBackend.JOURNAL));
    }
}
