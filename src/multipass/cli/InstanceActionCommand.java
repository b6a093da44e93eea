// SPDX-License-Identifier: Apache-2.0
package multipass.cli;

import multipass.api.CommandNames;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code start}, {@code stop}, {@code restart}, {@code suspend}, {@code delete [--purge]} and
 * {@code recover}: one state change
 * for the named instances or {@code --all}, all-or-nothing, printing nothing on success (as
 * Multipass does once its spinner is gone).
 */
final class InstanceActionCommand implements Command {
    private static final String NAMES = "<name> [<name> ...]";

    private final String daemonCommand;
    private final CommandSpec spec;

    private InstanceActionCommand(String daemonCommand, CommandSpec spec) {
        this.daemonCommand = daemonCommand;
        this.spec = spec;
    }

    static InstanceActionCommand start() {
        return new InstanceActionCommand(CommandNames.START, new CommandSpec("start", List.of(), "Start instances", NAMES,
                List.of("Start the named instances. Exits with return code 0", "when the instances start, or with an error code if",
                        "any fail to start."),
                List.of(all("Start all instances")), List.of(names("Names of instances to start."))));
    }

    static InstanceActionCommand stop() {
        return new InstanceActionCommand(CommandNames.STOP, new CommandSpec("stop", List.of(), "Stop running instances", NAMES,
                List.of("Stop the named instances. Exits with return code 0", "if successful."),
                List.of(all("Stop all instances")), List.of(names("Names of instances to stop."))));
    }

    static InstanceActionCommand restart() {
        return new InstanceActionCommand(CommandNames.RESTART, new CommandSpec("restart", List.of(), "Restart instances", NAMES,
                List.of("Restart the named instances. Exits with return code", "0 when the instances restart, or with an error code if",
                        "any fail to restart."),
                List.of(all("Restart all instances")), List.of(names("Names of instances to restart."))));
    }

    static InstanceActionCommand suspend() {
        return new InstanceActionCommand(CommandNames.SUSPEND, new CommandSpec("suspend", List.of(), "Suspend running instances", NAMES,
                List.of("Suspend the named instances, if running. Exits with", "return code 0 if successful."),
                List.of(all("Suspend all instances")), List.of(names("Names of instances to suspend."))));
    }

    static InstanceActionCommand delete() {
        return new InstanceActionCommand(CommandNames.DELETE, new CommandSpec("delete", List.of(), "Delete instances", NAMES,
                List.of("Delete instances, to be purged with the \"purge\" command,", "or recovered with the \"recover\" command."),
                List.of(all("Delete all instances"), new CommandSpec.OptionSpec("p", "purge", null, "Purge instances immediately")),
                List.of(names("Names of instances to delete"))));
    }

    static InstanceActionCommand recover() {
        return new InstanceActionCommand(CommandNames.RECOVER, new CommandSpec("recover", List.of(), "Recover deleted instances", NAMES,
                List.of("Recover deleted instances so they can be used again."),
                List.of(all("Recover all deleted instances")), List.of(names("Names of instances to recover"))));
    }

    static CommandSpec.OptionSpec all(String help) {
        return new CommandSpec.OptionSpec(null, "all", null, help);
    }

    static CommandSpec.ArgumentSpec names(String help) {
        return new CommandSpec.ArgumentSpec("name", help);
    }

    @Override
    public CommandSpec spec() {
        return spec;
    }

    @Override
    public int run(Invocation call) throws CommandFailed {
        Map<String, String> options = selection(call);
        if (call.option("purge", null) != null) {
            options.put("purge", "true");
        }
        call.call(daemonCommand, call.args(), options);
        return 0;
    }

    /**
     * The request options for "the named instances or {@code --all}", after Multipass's checks:
     * one of the two is required, and not both.
     */
    static Map<String, String> selection(Invocation call) throws CommandFailed {
        boolean all = call.option("all", null) != null;
        if (!all && call.args().isEmpty()) {
            throw call.usageError("Name argument or --all is required");
        }
        if (all && !call.args().isEmpty()) {
            throw call.usageError("Cannot specify name" + (call.args().size() > 1 ? "s" : "") + " when --all option set");
        }
        Map<String, String> options = new LinkedHashMap<>();
        if (all) {
            options.put("all", "true");
        }
        return options;
    }
}
