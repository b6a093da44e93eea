// SPDX-License-Identifier: Apache-2.0
package multipass.cli;

import multipass.api.LogLine;
import multipass.api.Reply;
import multipass.api.Request;
import multipass.api.Status;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One parsed command invocation: its positional arguments, options and verbosity, the
 * terminal, and a way to call the daemon that prints failures the way Multipass does
 * ({@code <command> failed: <message>}).
 */
final class Invocation {
    private final CommandSpec spec;
    private final List<String> args;
    private final Map<String, String> options;
    private final int verbosity;
    private final PrintStream out;
    private final PrintStream err;
    private final Terminal terminal;
    private final DaemonConnector connector;
    private final Path clientConfigFile;
    private final RefusalNotes notes;

    Invocation(CommandSpec spec, List<String> args, Map<String, String> options, int verbosity, PrintStream out, PrintStream err,
               Terminal terminal, DaemonConnector connector, Path clientConfigFile, RefusalNotes notes) {
        this.spec = spec;
        this.args = List.copyOf(args);
        this.options = Map.copyOf(options);
        this.verbosity = verbosity;
        this.out = out;
        this.err = err;
        this.terminal = terminal;
        this.connector = connector;
        this.clientConfigFile = clientConfigFile;
        this.notes = notes;
    }

    List<String> args() {
        return args;
    }

    /** The value of option {@code longName}, or {@code fallback} when not given. */
    String option(String longName, String fallback) {
        return options.getOrDefault(longName, fallback);
    }

    int verbosity() {
        return verbosity;
    }

    PrintStream out() {
        return out;
    }

    PrintStream err() {
        return err;
    }

    Terminal terminal() {
        return terminal;
    }

    /** The user's client configuration file, where client-side settings live. */
    Path clientConfigFile() {
        return clientConfigFile;
    }

    /** Prints {@code <command> failed: <message>} on stderr and fails as a failed command (exit 2). */
    CommandFailed failed(String message) {
        err.println(spec.name() + " failed: " + message);
        return new CommandFailed(ExitCode.COMMAND_FAILED);
    }

    /** Prints {@code message} on stderr and fails with a command-line error (exit 1). */
    CommandFailed usageError(String message) {
        err.println(message);
        return new CommandFailed(ExitCode.COMMAND_LINE_ERROR);
    }

    /**
     * Sends {@code daemonCommand} with {@code arguments} and returns the reply (all its records)
     * when it is OK. Daemon log lines are printed raw to stderr as they arrive; any failure is
     * printed as {@code <command> failed: <message>} and thrown. For commands with few records;
     * {@link #stream} takes any number.
     */
    Reply call(String daemonCommand, List<String> arguments, Map<String, String> requestOptions) throws CommandFailed {
        return exchange(daemonCommand, arguments, requestOptions).reply();
    }

    /** An OK reply, with the daemon's address and the certificate file the request was sent with. */
    record Exchange(Reply reply, String address, Path certificate) {
    }

    /** As {@link #call}, and also says where the request went and as which identity. */
    Exchange exchange(String daemonCommand, List<String> arguments, Map<String, String> requestOptions) throws CommandFailed {
        List<Map<String, String>> records = new ArrayList<>();
        Exchange end = exchange(daemonCommand, arguments, requestOptions, records::addAll);
        records.addAll(end.reply().records());
        return new Exchange(new Reply(Status.OK, end.reply().message(), records), end.address(), end.certificate());
    }

    /**
     * Sends {@code daemonCommand} like {@link #call}, and hands the reply's records to
     * {@code printer} as they arrive, a frame's worth at a time, in bounded memory; ends the
     * printer when the reply is OK. After a failure (even one that follows records) nothing more
     * is printed on stdout.
     */
    void stream(String daemonCommand, List<String> arguments, Map<String, String> requestOptions, RecordPrinter printer)
            throws CommandFailed {
        Reply end = exchange(daemonCommand, arguments, requestOptions, printer::records).reply();
        if (!end.records().isEmpty()) {
            printer.records(end.records());
        }
        printer.end();
    }

    /**
     * Sends the request; the records of a reply streamed over several frames go to
     * {@code batches} as they arrive, and the final reply (with the last records) is returned
     * when it is OK.
     */
    private Exchange exchange(String daemonCommand, List<String> arguments, Map<String, String> requestOptions,
                              Consumer<List<Map<String, String>>> batches) throws CommandFailed {
        Request request = new Request(daemonCommand, verbosity, arguments, requestOptions);
        Reply reply;
        String address;
        Path certificate;
        try (DaemonConnection connection = connector.connect()) {
            address = connection.address();
            certificate = connection.certificateFile();
            reply = connection.call(request, this::printLog, batches);
        } catch (ClientFailure failure) {
            err.println(spec.name() + " failed: " + failure.getMessage());
            if (verbosity > 0 && failure.detail() != null) {
                err.println(failure.detail());
            }
            paragraph(failure.note());
            throw new CommandFailed(ExitCode.COMMAND_FAILED);
        }
        if (reply.status() != Status.OK) {
            err.println(spec.name() + " failed: " + reply.message());
            if (reply.status() == Status.UNAUTHENTICATED) {
                paragraph(notes.notAuthenticated(reply));
            }
            throw new CommandFailed(daemonFault(reply.status()) ? ExitCode.DAEMON_FAILED : ExitCode.COMMAND_FAILED);
        }
        return new Exchange(reply, address, certificate);
    }

    /** Prints {@code text} (ending in a newline) after a blank line, if there is any. */
    private void paragraph(String text) {
        if (text != null) {
            err.println();
            err.print(text);
        }
    }

    /** A daemon's log line, printed raw: it ends in its own newline, as Multipass's do. */
    private void printLog(LogLine line) {
        err.print(line.text());
    }

    private static boolean daemonFault(Status status) {
        return status == Status.INTERNAL || status == Status.UNKNOWN || status == Status.DATA_LOSS || status == Status.UNAVAILABLE;
    }
}
