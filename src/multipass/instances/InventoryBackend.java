// SPDX-License-Identifier: Apache-2.0
package multipass.instances;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The bundled {@link Backend}: an inventory of instances and their states, kept in
 * {@code instances.txt} in the daemon's data dir ({@link InventoryFile}). It starts no virtual
 * machine, downloads no image and assigns no address; it is what lets the authorization story
 * be exercised end to end, and the model a real backend would follow.
 *
 * <p>Threading: mutations hold this object's lock from the check to the write, so names stay
 * unique and no acknowledged change is lost; each one writes the new inventory (write, fsync,
 * rename) before it is published in memory and returned. Reads take the published snapshot
 * without locking.
 */
public final class InventoryBackend implements Backend {
    public static final String NAME = "inventory";
    public static final String DESCRIPTION = "records instances and their state only: no virtual machine runs";
    /** The inventory file's name in the data dir. */
    public static final String FILE = InventoryFile.NAME;

    private final Path file;
    private final Clock clock;
    private final Random random = new SecureRandom();
    private volatile Map<String, Instance> instances;

    private InventoryBackend(Path file, Clock clock, Map<String, Instance> instances) {
        this.file = file;
        this.clock = clock;
        this.instances = Collections.unmodifiableMap(instances);
    }

    /** Loads the inventory in {@code dataDir} (none yet: empty); a file that does not parse is an error naming it. */
    public static InventoryBackend open(Path dataDir, Clock clock) throws IOException {
        Path file = dataDir.resolve(InventoryFile.NAME);
        return new InventoryBackend(file, clock, InventoryFile.read(file));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return DESCRIPTION;
    }

    @Override
    public List<Instance> list() {
        return List.copyOf(instances.values());
    }

    @Override
    public List<Instance> info(Selection selection) throws InstanceException {
        List<InstanceException> problems = new ArrayList<>();
        List<Instance> found = select(instances, selection, state -> true, problems);
        throwIfAny(problems);
        return found;
    }

    @Override
    public synchronized Instance launch(LaunchSpec spec) throws InstanceException, IOException {
        Map<String, Instance> current = instances;
        Predicate<String> taken = name -> sameName(current, name).isPresent();
        String name = spec.name() != null ? spec.name() : InstanceNames.generate(random, taken);
        Optional<String> existing = sameName(current, name);
        if (existing.isPresent()) {
            throw new InstanceException(InstanceException.Reason.ALREADY_EXISTS, "instance \"" + name + "\" already exists"
                    + (existing.get().equals(name) ? "" : " (as \"" + existing.get() + "\": names differing only in case would clash as host names)"));
        }
        Instance instance = new Instance(name, InstanceState.RUNNING, spec.image(), spec.cpus(), spec.memoryBytes(), spec.diskBytes(),
                clock.instant().truncatedTo(ChronoUnit.SECONDS), "");
        Map<String, Instance> next = new TreeMap<>(current);
        next.put(name, instance);
        commit(next);
        return instance;
    }

    @Override
    public synchronized List<Instance> apply(Transition transition, Selection selection) throws InstanceException, IOException {
        List<InstanceException> problems = new ArrayList<>();
        List<Instance> targets = select(instances, selection, transition::takesAll, problems);
        Map<String, Instance> next = new TreeMap<>(instances);
        List<Instance> moved = new ArrayList<>();
        for (Instance target : targets) {
            try {
                Instance after = target.withState(transition.apply(target.name(), target.state()));
                next.put(after.name(), after);
                moved.add(after);
            } catch (InstanceException e) {
                problems.add(e);
            }
        }
        throwIfAny(problems);
        commit(next);
        return moved;
    }

    @Override
    public synchronized List<Instance> deleteAndPurge(Selection selection) throws InstanceException, IOException {
        return remove(info(selection));
    }

    @Override
    public synchronized List<Instance> purge() throws IOException {
        return remove(instances.values().stream().filter(i -> i.state() == InstanceState.DELETED).toList());
    }

    private List<Instance> remove(List<Instance> doomed) throws IOException {
        Map<String, Instance> next = new TreeMap<>(instances);
        doomed.forEach(i -> next.remove(i.name()));
        commit(next);
        return doomed;
    }

    /** Persists {@code next}, then publishes it; on failure nothing changes. Called with the lock held. */
    private void commit(Map<String, Instance> next) throws IOException {
        if (next.equals(instances)) {
            return; // e.g. starting a running instance: nothing to write
        }
        InventoryFile.write(file, next.values());
        instances = Collections.unmodifiableMap(next);
    }

    /** The instance name equal to {@code name} but for case, as host names compare. */
    private static Optional<String> sameName(Map<String, Instance> instances, String name) {
        return instances.keySet().stream().filter(name::equalsIgnoreCase).findFirst();
    }

    /** The named instances (an unknown name adds to {@code problems}), or with {@code --all} those {@code takesAll} accepts. */
    private static List<Instance> select(Map<String, Instance> from, Selection selection, Predicate<InstanceState> takesAll,
                                         List<InstanceException> problems) {
        if (selection.all()) {
            return from.values().stream().filter(i -> takesAll.test(i.state())).toList();
        }
        List<Instance> found = new ArrayList<>();
        for (String name : selection.names()) {
            Instance instance = from.get(name);
            if (instance == null) {
                problems.add(InstanceException.notFound(name));
            } else {
                found.add(instance);
            }
        }
        return found;
    }

    private static void throwIfAny(List<InstanceException> problems) throws InstanceException {
        if (!problems.isEmpty()) {
            throw InstanceException.combine(problems);
        }
    }
}
