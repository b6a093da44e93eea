// SPDX-License-Identifier: Apache-2.0
package multipass.cli;

import multipass.platform.Address;
import multipass.platform.Platform;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code multipass} command line: parses the global and per-command options the way
 * Qt's parser does for Multipass (options anywhere, {@code -vvvv} counted, unknown options
 * rejected as {@code Unknown option 'x'.}), then runs the command.
 * {@link #run(String...)} returns the exit code; nothing here calls {@code System.exit}.
 */
public final class Cli {
    private final Platform platform;
    private final PrintStream out;
    private final PrintStream err;
    private final Terminal terminal;
    private final DaemonConnector connector;
    private final List<Command> commands;

    Cli(Platform platform, PrintStream out, PrintStream err, Terminal terminal, DaemonConnector connector) {
        this.platform = platform;
        this.out = out;
        this.err = err;
        this.terminal = terminal;
        this.connector = connector;
        this.commands = List.of(new AuthenticateCommand(), InstanceActionCommand.delete(), new GetCommand(), new HelpCommand(this::specs),
                new InfoCommand(), new LaunchCommand(), new ListCommand(), new PurgeCommand(), InstanceActionCommand.recover(),
                InstanceActionCommand.restart(), new SetCommand(), InstanceActionCommand.start(), InstanceActionCommand.stop(),
                InstanceActionCommand.suspend(), new TrustCommand(), new VersionCommand());
    }

    /** The CLI on the real platform, terminal and daemon address. */
    public static Cli standard() {
        Platform platform = Platform.current();
        return new Cli(platform, System.out, System.err, Terminal.system(), () -> connect(platform));
    }

    private static DaemonConnection connect(Platform platform) throws ClientFailure {
        Address address;
        try {
            address = platform.clientAddress();
        } catch (IllegalArgumentException e) {
            throw new ClientFailure(e.getMessage(), "Check " + Platform.SERVER_ADDRESS_VARIABLE + ".", e);
        }
        return WarmPath.connect(platform, address,
                () -> DaemonConnection.open(address, platform.clientIdentityDir(), platform.rendezvousDirs()));
    }

    /** Runs one command line; returns the exit code. */
    public int run(String... args) {
        try {
            return dispatch(args);
        } catch (CommandFailed failed) {
            return failed.exitCode().code();
        } finally {
            out.flush();
            err.flush();
        }
    }

    private int dispatch(String[] args) throws CommandFailed {
        int commandIndex = -1;
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("-") || args[i].equals("-")) {
                commandIndex = i;
                break;
            }
        }
        if (commandIndex < 0) {
            return runWithoutCommand(args);
        }
        Optional<Command> command = find(args[commandIndex]);
        if (command.isEmpty()) {
            err.println("Unknown command or alias '" + args[commandIndex] + "' (try \"multipass help\")");
            return ExitCode.COMMAND_LINE_ERROR.code();
        }
        List<String> rest = new ArrayList<>(List.of(args).subList(0, commandIndex));
        rest.addAll(List.of(args).subList(commandIndex + 1, args.length));
        return runCommand(command.get(), rest);
    }

    /** {@code multipass}, {@code multipass --help} or {@code multipass -v} with no command. */
    private int runWithoutCommand(String[] args) {
        for (String arg : args) {
            if (!platform.isHelpFlag(arg) && !isVerbose(arg)) {
                err.println("Unknown option '" + arg.replaceFirst("^-+", "") + "'.");
                return ExitCode.COMMAND_LINE_ERROR.code();
            }
        }
        boolean help = List.of(args).stream().anyMatch(platform::isHelpFlag);
        (help ? out : err).print(HelpFormatter.overview(specs()));
        return help ? 0 : ExitCode.COMMAND_LINE_ERROR.code();
    }

    private int runCommand(Command command, List<String> args) throws CommandFailed {
        CommandSpec spec = command.spec();
        List<String> positionals = new ArrayList<>();
        Map<String, String> options = new LinkedHashMap<>();
        int verbosity = 0;
        boolean help = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--")) {
                positionals.addAll(args.subList(i + 1, args.size()));
                break;
            } else if (platform.isHelpFlag(arg)) {
                help = true;
            } else if (isVerbose(arg)) {
                verbosity += arg.equals("--verbose") ? 1 : arg.length() - 1;
            } else if (arg.startsWith("-") && arg.length() > 1) {
                i = parseOption(spec, args, i, options);
            } else {
                positionals.add(arg);
            }
        }
        if (help) {
            out.print(HelpFormatter.command(spec));
            return 0;
        }
        Invocation call = new Invocation(spec, positionals, options, Math.min(verbosity, 4), out, err, terminal, connector,
                platform.clientConfigFile(), new RefusalNotes(platform.root(), platform.sudoUser()));
        return command.run(call);
    }

    /** Parses the option at {@code args[i]} into {@code options}; returns the index of its last token. */
    private int parseOption(CommandSpec spec, List<String> args, int i, Map<String, String> options) throws CommandFailed {
        String arg = args.get(i);
        String body = arg.substring(arg.startsWith("--") ? 2 : 1);
        String name = body.contains("=") ? body.substring(0, body.indexOf('=')) : body;
        boolean isLong = arg.startsWith("--");
        for (CommandSpec.OptionSpec option : spec.options()) {
            if (isLong ? option.longName().equals(name) : name.equals(option.shortName())) {
                if (!option.takesValue()) {
                    options.put(option.longName(), "");
                    return i;
                }
                if (body.contains("=")) {
                    options.put(option.longName(), body.substring(body.indexOf('=') + 1));
                    return i;
                }
                if (i + 1 >= args.size()) {
                    err.println("Missing value after '" + arg + "'.");
                    throw new CommandFailed(ExitCode.COMMAND_LINE_ERROR);
                }
                options.put(option.longName(), args.get(i + 1));
                return i + 1;
            }
        }
        err.println("Unknown option '" + name + "'.");
        throw new CommandFailed(ExitCode.COMMAND_LINE_ERROR);
    }

    private static boolean isVerbose(String arg) {
        if (arg.equals("--verbose")) {
            return true;
        }
        // A loop, not a regex: a command on the warm path loads no java.util.regex.
        for (int i = 1; i < arg.length(); i++) {
            if (arg.charAt(i) != 'v') {
                return false;
            }
        }
        return arg.length() > 1 && arg.charAt(0) == '-';
    }

    private Optional<Command> find(String word) {
        for (Command command : commands) { // a loop: no lambda to link at every start
            if (command.spec().answersTo(word)) {
                return Optional.of(command);
            }
        }
        return Optional.empty();
    }

    /** Every command's definition, in {@code help} order; also what {@link ManPages} and {@link BashCompletion} render. */
    public List<CommandSpec> specs() {
        return commands.stream().map(Command::spec).toList();
    }
}
