// SPDX-License-Identifier: Apache-2.0
package multipass.instances;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/**
 * Where instances live. The daemon's instance commands call only this interface, so a backend
 * that drives a real hypervisor (QEMU, LXD, ...) can replace the bundled
 * {@link InventoryBackend} without a change to the CLI or the protocol.
 *
 * <p>Contract, for every implementation: thread-safe; each mutation is all-or-nothing (when
 * one named instance cannot make the move, none moves, and the exception names every
 * problem); a mutation that returns has been persisted (a crash right after loses nothing);
 * names are unique. {@link IOException} means the backend itself failed (a disk, a
 * hypervisor), {@link InstanceException} that the request was refused.
 */
public interface Backend extends Closeable {
    /** A short name shown by {@code info}, e.g. {@code inventory}. */
    String name();

    /** One sentence for {@code info} saying what this backend really does with an instance. */
    String description();

    /** Every instance, deleted ones included, sorted by name. */
    List<Instance> list();

    /** The selected instances, deleted ones included; unknown names are refused. */
    List<Instance> info(Selection selection) throws InstanceException;

    /** Creates and starts an instance; picks a free pet-style name when {@code spec.name()} is null. */
    Instance launch(LaunchSpec spec) throws InstanceException, IOException;

    /** Applies {@code transition} to the selected instances; returns them as they now are. */
    List<Instance> apply(Transition transition, Selection selection) throws InstanceException, IOException;

    /** Removes the selected instances for good, whatever their state; returns them as they were. */
    List<Instance> deleteAndPurge(Selection selection) throws InstanceException, IOException;

    /** Removes every deleted instance for good; returns them as they were. */
    List<Instance> purge() throws IOException;

    /** Brings the backend's files to their compact form (at start: a journal left by a crash goes in); none by default. */
    default void compact() throws IOException {
    }

    /** Writes the backend's whole state at a clean stop; nothing by default. */
    @Override
    default void close() throws IOException {
    }
}
