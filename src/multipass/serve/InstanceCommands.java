// SPDX-License-Identifier: Apache-2.0
package multipass.serve;

import multipass.instances.Backend;
import multipass.instances.Instance;
import multipass.instances.InstanceException;
import multipass.instances.LaunchSpec;
import multipass.instances.Selection;
import multipass.instances.Transition;
import multipass.api.Access;
import multipass.api.CommandNames;
import multipass.api.RecordView;
import multipass.api.Reply;
import multipass.api.Request;
import multipass.api.Status;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The instance commands ({@code launch}, {@code list}, {@code info}, {@code start},
 * {@code stop}, {@code delete}, {@code purge}, {@code recover}) for clients that passed the
 * authorization gate: checks the request's shape, calls the {@link Backend}, and turns the
 * result into records (the CLI formats them) or an error status. Every change is logged at
 * info level with who asked. Thread-safe (the backend is).
 */
public final class InstanceCommands {
    private static final System.Logger LOG = System.getLogger(InstanceCommands.class.getName());
    private static final String ALL = "all";
    private static final String PURGE = "purge";
    private static final Set<String> LAUNCH_OPTIONS = Set.of("name", "cpus", "memory", "disk");

    private final Backend backend;

    public InstanceCommands(Backend backend) {
        this.backend = backend;
    }

    /** One instance command, once it passed the gate; a refused request throws {@link InstanceException}. */
    @FunctionalInterface
    private interface Action {
        Reply run(Request request, Peer peer) throws InstanceException, IOException;
    }

    /** Registers the instance commands, all for trusted clients. */
    void register(CommandTable table) {
        Set<String> all = Set.of(ALL);
        add(table, CommandNames.LAUNCH, this::launch);
        add(table, CommandNames.LIST, (request, peer) -> {
            expect(request, Set.of(), 0);
            return records(backend.list());
        });
        add(table, CommandNames.INFO, (request, peer) -> records(backend.info(selection(request, all))));
        add(table, CommandNames.START, (request, peer) -> changed(peer, "started", backend.apply(Transition.START, selection(request, all))));
        add(table, CommandNames.STOP, (request, peer) -> changed(peer, "stopped", backend.apply(Transition.STOP, selection(request, all))));
        add(table, CommandNames.RECOVER,
                (request, peer) -> changed(peer, "recovered", backend.apply(Transition.RECOVER, selection(request, all))));
        add(table, CommandNames.DELETE, this::delete);
        add(table, CommandNames.RESTART,
                (request, peer) -> changed(peer, "restarted", backend.apply(Transition.START, selection(request, all))));
        add(table, CommandNames.SUSPEND, (request, peer) -> {
            backend.info(selection(request, all)); // the names must exist, as for any other instance command
            return Reply.error(Status.FAILED_PRECONDITION, "suspend is not supported: the " + backend.name()
                    + " backend runs no virtual machine, so there is nothing to suspend; use 'multipass stop'");
        });
        for (String call : CommandNames.NOT_OFFERED) {
            add(table, call, (request, peer) -> Reply.error(Status.UNIMPLEMENTED, "'" + call + "' is not available: this daemon"
                    + " (multipass-java) keeps an inventory of instances and runs no virtual machine, image or snapshot"));
        }
        add(table, CommandNames.PURGE, (request, peer) -> {
            expect(request, Set.of(), 0);
            return changed(peer, "purged", backend.purge());
        });
    }

    /** Registers {@code action} under {@code name}; a refused request is an error reply, a backend failure an {@link IOException}. */
    private static void add(CommandTable table, String name, Action action) {
        table.add(name, Access.TRUSTED, (request, peer, trusted) -> {
            try {
                return action.run(request, peer);
            } catch (InstanceException e) {
                return Reply.error(status(e.reason()), e.getMessage());
            }
        });
    }

    private Reply delete(Request request, Peer peer) throws InstanceException, IOException {
        Selection doomed = selection(request, Set.of(ALL, PURGE));
        return flag(request, PURGE) ? changed(peer, "deleted and purged", backend.deleteAndPurge(doomed))
                : changed(peer, "deleted", backend.apply(Transition.DELETE, doomed));
    }

    private Reply launch(Request request, Peer peer) throws InstanceException, IOException {
        expect(request, LAUNCH_OPTIONS, 1);
        LaunchSpec spec;
        try {
            spec = LaunchSpec.parse(request.options().get("name"), request.args().isEmpty() ? null : request.args().get(0),
                    request.options().get("cpus"), request.options().get("memory"), request.options().get("disk"));
        } catch (IllegalArgumentException e) { // LaunchSpec.parse's only failure: a value the request got wrong
            throw invalid(e.getMessage());
        }
        return changed(peer, "launched", List.of(backend.launch(spec)));
    }

    private Reply changed(Peer peer, String what, List<Instance> instances) {
        for (Instance instance : instances) {
            LOG.log(System.Logger.Level.INFO, "instance {0} {1} by {2}", instance.name(), what, peer.auditName());
        }
        return records(instances);
    }

    /** The records of {@code instances}, each made only as the reply is sent (a reply may hold 100,000). */
    private Reply records(List<Instance> instances) {
        return Reply.ok(RecordView.of(instances, this::record));
    }

    /** The record of one instance; {@code list} shows name, state, ipv4 and image, {@code info} all of them. */
    Map<String, String> record(Instance instance) {
        Map<String, String> record = new LinkedHashMap<>();
        record.put("name", instance.name());
        record.put("state", instance.state().label());
        record.put("ipv4", instance.ipv4().isEmpty() ? "--" : instance.ipv4());
        record.put("image", instance.image());
        record.put("cpus", Integer.toString(instance.cpus()));
        record.put("memory", Long.toString(instance.memoryBytes()));
        record.put("disk", Long.toString(instance.diskBytes()));
        record.put("created", instance.created().toString());
        record.put("backend", backend.name() + ": " + backend.description());
        return record;
    }

    /** {@code --all} or names, never both, never neither (Multipass's messages). */
    private static Selection selection(Request request, Set<String> options) throws InstanceException {
        expect(request, options, Integer.MAX_VALUE);
        if (flag(request, ALL)) {
            if (!request.args().isEmpty()) {
                throw invalid("Cannot specify name" + (request.args().size() > 1 ? "s" : "") + " when --all option set");
            }
            return Selection.everything();
        }
        if (request.args().isEmpty()) {
            throw invalid("Name argument or --all is required");
        }
        return Selection.of(request.args()); // not empty: checked above
    }

    /** Refuses options outside {@code allowed} and more than {@code maxArgs} arguments. */
    private static void expect(Request request, Set<String> allowed, int maxArgs) throws InstanceException {
        for (String option : request.options().keySet()) {
            if (!allowed.contains(option)) {
                throw invalid(request.command() + " does not take the option '" + option + "'");
            }
        }
        if (request.args().size() > maxArgs) {
            throw invalid(request.command() + " takes at most " + maxArgs + " argument(s), not " + request.args().size());
        }
    }

    private static boolean flag(Request request, String name) throws InstanceException {
        String value = request.options().get(name);
        if (value != null && !value.equals("true")) {
            throw invalid("option '" + name + "' takes the value 'true', not '" + value + "'");
        }
        return value != null;
    }

    /** A request the daemon refuses: {@code INVALID_ARGUMENT} with {@code message}. */
    private static InstanceException invalid(String message) {
        return new InstanceException(InstanceException.Reason.INVALID_ARGUMENT, message);
    }

    private static Status status(InstanceException.Reason reason) {
        return switch (reason) {
            case NOT_FOUND -> Status.NOT_FOUND;
            case ALREADY_EXISTS -> Status.ALREADY_EXISTS;
            case FAILED_PRECONDITION -> Status.FAILED_PRECONDITION;
            case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
        };
    }
}
