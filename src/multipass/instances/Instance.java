// SPDX-License-Identifier: Apache-2.0
package multipass.instances;

import java.time.Instant;

/**
 * One instance as the inventory records it. {@code ipv4} is empty when the instance has no
 * address (always, with the bundled backend: no virtual machine, no network). Immutable; a
 * change of state is a new value.
 */
public record Instance(String name, InstanceState state, String image, int cpus, long memoryBytes, long diskBytes, Instant created,
                       String ipv4) {
    public Instance {
        InstanceNames.require(name);
        LaunchSpec.requireImage(image);
        if (cpus < 1 || memoryBytes < 1 || diskBytes < 1) {
            throw new IllegalArgumentException("instance " + name + ": CPUs, memory and disk must be positive, not " + cpus + ", "
                    + memoryBytes + " and " + diskBytes);
        }
        if (state == null || created == null || ipv4 == null) {
            throw new IllegalArgumentException("instance " + name + ": state, creation time and address must be given");
        }
    }

    /** This instance in state {@code next}. */
    public Instance withState(InstanceState next) {
        return new Instance(name, next, image, cpus, memoryBytes, diskBytes, created, ipv4);
    }
}
