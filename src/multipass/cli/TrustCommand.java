// SPDX-License-Identifier: Apache-2.0
package multipass.cli;

import multipass.api.CommandNames;
import multipass.api.Reply;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code multipass trust status [--format ...]}, {@code multipass trust list [--format ...]} and
 * {@code multipass trust remove <fingerprint>...}: is this client trusted, who is trusted, and
 * revocation, at once and without a restart.
 */
final class TrustCommand implements Command {
    private static final CommandSpec SPEC = new CommandSpec("trust", List.of(), "Manage trusted clients",
            "status | list | remove <fingerprint> [<fingerprint> ...]",
            List.of("Show whether this client is trusted, list the client certificates the Multipass",
                    "service trusts, or remove some of them.",
                    "'status' works for untrusted clients too, and tells about this client only; it exits",
                    "with 0 when this client is trusted, 2 when not.",
                    "An administrator sees and removes every entry; other users only their own.",
                    "A removed client must authenticate again before its next command."),
            List.of(new CommandSpec.OptionSpec(null, "format", "format",
                    "Output list in the requested format. Valid formats are: table (default), json, csv and yaml")),
            List.of(new CommandSpec.ArgumentSpec("subcommand", "'status' to show this client's user, certificate and trust,"
                            + " 'list' to show trusted clients, 'remove' to revoke trust."),
                    new CommandSpec.ArgumentSpec("fingerprint", "With 'remove': the SHA-256 fingerprint of a certificate, or a"
                            + " prefix of it that matches only one.")));
    /** Characters of the fingerprint shown in the table (all of it in the other formats). */
    static final int SHORT_FINGERPRINT = 16;
    private static final RecordFormatter FORMATTER = new RecordFormatter(List.of(
            new RecordFormatter.Column("fingerprint", "Fingerprint"),
            new RecordFormatter.Column("user", "User"),
            new RecordFormatter.Column("uid", "UID"),
            new RecordFormatter.Column("method", "Method"),
            new RecordFormatter.Column("admitted", "Admitted")), "trusted");

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public int run(Invocation call) throws CommandFailed {
        if (call.args().isEmpty()) {
            throw call.usageError("Need a subcommand: 'status', 'list' or 'remove'.");
        }
        String subcommand = call.args().get(0);
        List<String> rest = call.args().subList(1, call.args().size());
        return switch (subcommand) {
            case "status" -> status(call, rest);
            case "list" -> list(call, rest);
            case "remove" -> remove(call, rest);
            default -> throw call.usageError("Unknown subcommand '" + subcommand + "': use 'status', 'list' or 'remove'.");
        };
    }

    /** Exit 0 when this client's certificate is trusted, 2 when not (the output says which either way). */
    private static int status(Invocation call, List<String> rest) throws CommandFailed {
        if (!rest.isEmpty()) {
            throw call.usageError("Too many arguments given");
        }
        String format = format(call);
        Invocation.Exchange answer = call.exchange(CommandNames.TRUST_STATUS, List.of(), Map.of());
        if (answer.reply().records().size() != 1) {
            call.err().println("trust failed: the daemon's answer to 'trust status' holds " + answer.reply().records().size()
                    + " records instead of 1; install the same multipass version for the client and the daemon");
            return ExitCode.DAEMON_FAILED.code();
        }
        Map<String, String> record = TrustStatusView.record(answer.reply().records().get(0), answer.certificate(), answer.address());
        call.out().print(TrustStatusView.render(format, record));
        return record.get("trusted").equals("yes") ? 0 : ExitCode.COMMAND_FAILED.code();
    }

    private static String format(Invocation call) throws CommandFailed {
        String format = call.option("format", "table");
        if (!RecordFormatter.FORMATS.contains(format)) {
            throw call.usageError("Invalid format type given.");
        }
        return format;
    }

    private static int list(Invocation call, List<String> rest) throws CommandFailed {
        if (!rest.isEmpty()) {
            throw call.usageError("Too many arguments given");
        }
        String format = format(call);
        RecordPrinter printer = FORMATTER.printer(format, call.out(), "No trusted clients.");
        call.stream(CommandNames.TRUST_LIST, List.of(), Map.of(), format.equals("table") ? printer.mapping(TrustCommand::shortened) : printer);
        return 0;
    }

    private static int remove(Invocation call, List<String> fingerprints) throws CommandFailed {
        if (fingerprints.isEmpty()) {
            throw call.usageError("Need at least one fingerprint to remove.");
        }
        if (call.option("format", null) != null) {
            throw call.usageError("--format applies to 'trust status' and 'trust list' only.");
        }
        Reply reply = call.call(CommandNames.TRUST_REMOVE, fingerprints, Map.of());
        for (Map<String, String> removed : reply.records()) {
            call.out().println("Removed " + removed.get("fingerprint") + " (" + removed.get("user") + ")");
        }
        return 0;
    }

    private static Map<String, String> shortened(Map<String, String> record) {
        Map<String, String> copy = new LinkedHashMap<>(record);
        copy.put("fingerprint", shortFingerprint(copy.getOrDefault("fingerprint", "")));
        return copy;
    }

    /** A fingerprint as the table shows it (and a refusal names it): its first {@link #SHORT_FINGERPRINT} characters. */
    static String shortFingerprint(String fingerprint) {
        return fingerprint.substring(0, Math.min(SHORT_FINGERPRINT, fingerprint.length()));
    }
}
