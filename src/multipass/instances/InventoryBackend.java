// SPDX-License-Identifier: Apache-2.0
package multipass.instances;

import multipass.util.Compaction;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Predicate;

/**
 * The bundled {@link Backend}: an inventory of instances and their states, kept in
 * {@code instances.txt} in the daemon's data dir ({@link InventoryFile}) and a journal of the
 * changes since that file was written ({@link InventoryJournal}). It starts no virtual
 * machine, downloads no image and assigns no address; it is what lets the authorization story
 * be exercised end to end, and the model a real backend would follow.
 *
 * <p>A change is appended to the journal and forced to disk (one small write, whatever the
 * number of instances) before it is published in memory and returned; once the journal is
 * larger than half the file, the file is rewritten whole (write, fsync, rename) and the journal
 * deleted, and {@link #close()} does the same, so a daemon that stopped cleanly leaves the
 * whole inventory in {@code instances.txt}. Names are checked against a lower-case index, so a
 * launch does not scan the inventory.
 *
 * <p>Threading: mutations hold this object's lock from the check to the write, so names stay
 * unique and no acknowledged change is lost; they publish a change under a write lock that
 * readers take to copy, so a reader sees every change of a request or none of it, and never
 * waits for a disk write.
 */
public final class InventoryBackend implements Backend {
    public static final String NAME = "inventory";
    public static final String DESCRIPTION = "records instances and their state only: no virtual machine runs";
    /** The inventory file's name in the data dir. */
    public static final String FILE = InventoryFile.NAME;
    /** The journal's name in the data dir. */
    public static final String JOURNAL = InventoryJournal.NAME;


    private final Path file;
    private final Clock clock;
    private final Random random = new SecureRandom();
    private final InventoryJournal journal;
    /** The instances by name; changed only under this object's lock and {@link #published}'s write lock. */
    private final TreeMap<String, Instance> instances;
    /** Each name in lower case to the name, as host names compare; guarded like {@link #instances}. */
    private final Map<String, String> lowerCase = new HashMap<>();
    private final ReentrantReadWriteLock published = new ReentrantReadWriteLock();
    /** Folds the journal into the file; guarded by this. */
    private final Compaction compaction;

    private InventoryBackend(Path file, Clock clock, InventoryJournal journal, TreeMap<String, Instance> instances) throws IOException {
        this.file = file;
        this.clock = clock;
        this.journal = journal;
        this.instances = instances;
        this.compaction = new Compaction("the inventory", file, journal.log(), () -> InventoryFile.write(file, instances.values()));
        instances.keySet().forEach(name -> lowerCase.put(lower(name), name));
    }

    /** Loads the inventory in {@code dataDir} (none yet: empty), then its journal; a file that does not parse is an error naming it. */
    public static InventoryBackend open(Path dataDir, Clock clock) throws IOException {
        Path file = dataDir.resolve(InventoryFile.NAME);
        TreeMap<String, Instance> instances = new TreeMap<>(InventoryFile.read(file));
        InventoryJournal journal = InventoryJournal.replay(dataDir.resolve(InventoryJournal.NAME), instances);
        return new InventoryBackend(file, clock, journal, instances);
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
        return read(() -> List.copyOf(instances.values()));
    }

    @Override
    public List<Instance> info(Selection selection) throws InstanceException {
        List<InstanceException> problems = new ArrayList<>();
        List<Instance> found = read(() -> select(instances, selection, state -> true, problems));
        throwIfAny(problems);
        return found;
    }

    @Override
    public synchronized Instance launch(LaunchSpec spec) throws InstanceException, IOException {
        Predicate<String> taken = name -> lowerCase.containsKey(lower(name));
        String name = spec.name() != null ? spec.name() : InstanceNames.generate(random, taken);
        String existing = lowerCase.get(lower(name));
        if (existing != null) {
            throw new InstanceException(InstanceException.Reason.ALREADY_EXISTS, "instance \"" + name + "\" already exists"
                    + (existing.equals(name) ? "" : " (as \"" + existing + "\": names differing only in case would clash as host names)"));
        }
        Instance instance = new Instance(name, InstanceState.RUNNING, spec.image(), spec.cpus(), spec.memoryBytes(), spec.diskBytes(),
                clock.instant().truncatedTo(ChronoUnit.SECONDS), "");
        change(List.of(instance));
        return instance;
    }

    @Override
    public synchronized List<Instance> apply(Transition transition, Selection selection) throws InstanceException, IOException {
        List<InstanceException> problems = new ArrayList<>();
        List<Instance> targets = select(instances, selection, transition::takesAll, problems);
        List<Instance> moved = new ArrayList<>();
        for (Instance target : targets) {
            try {
                moved.add(target.withState(transition.apply(target.name(), target.state())));
            } catch (InstanceException e) {
                problems.add(e);
            }
        }
        throwIfAny(problems);
        change(moved);
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

    /** Writes the whole inventory to {@code instances.txt} and deletes the journal, if the journal holds any change. */
    @Override
    public synchronized void compact() throws IOException {
        compaction.now();
    }

    /** Compacts, so that {@code instances.txt} is complete once the daemon has stopped. */
    @Override
    public void close() throws IOException {
        compact();
    }

    /** Persists then publishes the instances {@code changed} (those that did change). Called with the lock held. */
    private void change(List<Instance> changed) throws IOException {
        List<Instance> real = changed.stream().filter(i -> !i.equals(instances.get(i.name()))).toList();
        if (real.isEmpty()) {
            return; // e.g. starting a running instance: nothing to write
        }
        journal.changed(real);
        publish(() -> real.forEach(i -> {
            instances.put(i.name(), i);
            lowerCase.put(lower(i.name()), i.name());
        }));
        compaction.ifDue();
    }

    /** Persists then publishes the removal of {@code doomed}. Called with the lock held. */
    private List<Instance> remove(List<Instance> doomed) throws IOException {
        if (!doomed.isEmpty()) {
            journal.removed(doomed.stream().map(Instance::name).toList());
            publish(() -> doomed.forEach(i -> {
                instances.remove(i.name());
                lowerCase.remove(lower(i.name()));
            }));
            compaction.ifDue();
        }
        return doomed;
    }

    private void publish(Runnable update) {
        published.writeLock().lock();
        try {
            update.run();
        } finally {
            published.writeLock().unlock();
        }
    }

    private <T> T read(java.util.function.Supplier<T> reader) {
        published.readLock().lock();
        try {
            return reader.get();
        } finally {
            published.readLock().unlock();
        }
    }

    private static String lower(String name) {
        return name.toLowerCase(Locale.ROOT);
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
