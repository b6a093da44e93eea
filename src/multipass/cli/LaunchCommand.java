// SPDX-License-Identifier: Apache-2.0
package multipass.cli;

import multipass.instances.InstanceNames;
import multipass.instances.LaunchSpec;
import multipass.api.CommandNames;
import multipass.api.Reply;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code multipass launch [--name N] [--cpus N] [--memory SIZE] [--disk SIZE] [<image>]}:
 * creates and starts an instance, printing {@code Launched: <name>}. Values are checked here
 * first (a bad one is a command-line error, exit 1) and again by the daemon.
 */
final class LaunchCommand implements Command {
    private static final CommandSpec SPEC = new CommandSpec("launch", List.of(), "Create and start an Ubuntu instance", "[<image>]",
            List.of("Create and start a new instance."),
            List.of(new CommandSpec.OptionSpec("c", "cpus", "cpus", "Number of CPUs to allocate. Minimum: 1, default: "
                            + LaunchSpec.DEFAULT_CPUS + "."),
                    new CommandSpec.OptionSpec("d", "disk", "disk", "Disk space to allocate. Positive integers, in bytes, or decimals,"
                            + " with K, M, G suffix. Minimum: " + LaunchSpec.MIN_DISK + ", default: " + LaunchSpec.DEFAULT_DISK + "."),
                    new CommandSpec.OptionSpec("m", "memory", "memory", "Amount of memory to allocate. Positive integers, in bytes, or"
                            + " decimals, with K, M, G suffix. Minimum: " + LaunchSpec.MIN_MEMORY + ", default: "
                            + LaunchSpec.DEFAULT_MEMORY + "."),
                    new CommandSpec.OptionSpec("n", "name", "name", "Name for the instance. " + InstanceNames.RULE
                            + " If omitted, a random name is generated.")),
            List.of(new CommandSpec.ArgumentSpec("image", "Optional image to launch. If omitted, then the default Ubuntu LTS ("
                    + LaunchSpec.DEFAULT_IMAGE + ") will be used. <image> can be an Ubuntu release version, codename or alias.")));

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public int run(Invocation call) throws CommandFailed {
        if (call.args().size() > 1) {
            throw call.usageError("Too many arguments supplied");
        }
        Map<String, String> options = new LinkedHashMap<>();
        for (String option : List.of("name", "cpus", "memory", "disk")) {
            String value = call.option(option, null);
            if (value != null) {
                options.put(option, value);
            }
        }
        try {
            LaunchSpec.parse(options.get("name"), call.args().isEmpty() ? null : call.args().get(0), options.get("cpus"),
                    options.get("memory"), options.get("disk"));
        } catch (IllegalArgumentException e) {
            throw call.usageError("Error: " + e.getMessage());
        }
        Reply reply = call.call(CommandNames.LAUNCH, call.args(), options);
        // The daemon replies with the new instance's record; its name is the one it picked when none was given.
        call.out().println("Launched: " + reply.records().stream().findFirst().map(r -> r.get("name")).orElse(options.getOrDefault("name", "")));
        return 0;
    }
}
